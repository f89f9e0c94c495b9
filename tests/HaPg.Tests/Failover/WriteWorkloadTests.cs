using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Failover;
using Xunit;
using Xunit.Abstractions;

namespace HaPg.Tests.Failover
{
    /// <summary>The writer against a real PostgreSQL on loopback, crashed and restarted under load.</summary>
    public sealed class WriteWorkloadTests : IClassFixture<WriteWorkloadTests.Server>
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
        private readonly Server server;
        private readonly ITestOutputHelper output;

        public WriteWorkloadTests(Server server, ITestOutputHelper output)
        {
            this.server = server;
            this.output = output;
        }

        public sealed class Server : IDisposable
        {
            public PostgresServer Postgres { get; } = new PostgresServer();

            public void Dispose() => Postgres.Dispose();
        }

        [Fact]
        public async Task CrashUnderLoadLosesNothingAndDowntimeMatchesTheGap()
        {
            var postgres = server.Postgres;
            var clock = new FailoverClock();
            var events = new FailoverEventLog(clock);
            var workload = new WriteWorkload(postgres.Target, "crash-" + Guid.NewGuid().ToString("N"), clock, events)
            {
                Rate = 20,
                OperationTimeout = TimeSpan.FromSeconds(2),
            };
            using var patience = new CancellationTokenSource(Patience);
            await workload.CreateTableAsync(patience.Token);

            using var stop = new CancellationTokenSource();
            var run = workload.RunAsync(stop.Token);
            await Task.Delay(TimeSpan.FromSeconds(3));
            var crashedAt = clock.Now;
            postgres.Crash();
            var downAt = clock.Now;
            await Task.Delay(TimeSpan.FromSeconds(2));
            var startingAt = clock.Now;
            postgres.Start();
            var upAt = clock.Now;
            while (!workload.Attempts.Any(a => a.Start >= upAt && a.Outcome == WriteOutcome.Acknowledged))
            {
                await Task.Delay(100, patience.Token);
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
            stop.Cancel();
            await run;

            var attempts = workload.Attempts;
            var readBack = await workload.ReadBackAsync(patience.Token);
            var report = FailoverAnalysis.Analyze(attempts, readBack, crashedAt);
            output.WriteLine($"attempts {report.AttemptedWrites}, acked {report.AcknowledgedWrites}, failed {report.FailedWrites}, " +
                $"unknown {report.UnknownWrites} ({report.UnknownWritesPresent} present), lost {report.LostWrites}, unexpected {report.UnexpectedWrites}, " +
                $"downtime {report.WriteDowntime?.TotalSeconds:F3}s, server down {(upAt - downAt).TotalSeconds:F3}s, timeline {report.TimelineBefore}->{report.TimelineAfter}");
            foreach (var e in events.Snapshot()) output.WriteLine(e.ToString());

            Assert.Equal(Enumerable.Range(1, attempts.Count).Select(i => (long)i), attempts.Select(a => a.Id));
            Assert.Equal(0, report.LostWrites);
            Assert.Equal(0, report.UnexpectedWrites);
            Assert.True(report.WritesRecovered);
            Assert.InRange(report.AcknowledgedWrites, 60, attempts.Count - 1);
            // While the server was down every attempt failed or is unknown.
            var whileDown = attempts.Where(a => a.Start >= downAt && a.End <= startingAt).ToList();
            Assert.NotEmpty(whileDown);
            Assert.DoesNotContain(whileDown, a => a.Outcome == WriteOutcome.Acknowledged);
            Assert.All(whileDown, a => Assert.False(string.IsNullOrEmpty(a.Error)));
            // The outage covers the time the server was surely down, and not much more.
            Assert.InRange(report.WriteDowntime!.Value, startingAt - downAt, upAt - crashedAt + TimeSpan.FromSeconds(3));
            Assert.Equal(1, report.TimelineBefore);
            Assert.Equal(1, report.TimelineAfter);
            Assert.NotNull(events.First(FailoverEventKind.WritesFailing, crashedAt));
            Assert.NotNull(events.First(FailoverEventKind.WritesRecovered, startingAt));

            await workload.DropTableAsync(patience.Token);
            using var admin = postgres.OpenAdmin(PostgresServer.Role);
            Assert.Equal(true, PostgresServer.Execute(admin, $"SELECT to_regclass('{WriteWorkload.TableName}') IS NULL"));
        }

        [Fact]
        public async Task ReadOnlyErrorIsFailedAndTerminatedSessionIsUnknown()
        {
            var postgres = server.Postgres;
            var clock = new FailoverClock();
            var workload = new WriteWorkload(postgres.Target, "readonly-" + Guid.NewGuid().ToString("N"), clock) { Rate = 50 };
            using var patience = new CancellationTokenSource(Patience);
            await workload.CreateTableAsync(patience.Token);
            using var admin = postgres.OpenAdmin();
            const string terminateWriter = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'hapg-failover'";

            using var stop = new CancellationTokenSource();
            var run = workload.RunAsync(stop.Token);
            try
            {
                await Task.Delay(1000);
                // Like a demoted primary: new sessions are read-only; the writer's session is cut.
                PostgresServer.Execute(admin, $"ALTER DATABASE {PostgresServer.Role} SET default_transaction_read_only = on");
                PostgresServer.Execute(admin, terminateWriter);
                await Task.Delay(1000);
                PostgresServer.Execute(admin, $"ALTER DATABASE {PostgresServer.Role} RESET default_transaction_read_only");
                PostgresServer.Execute(admin, terminateWriter);
                await Task.Delay(1000);
            }
            finally
            {
                stop.Cancel();
                await run;
            }

            var attempts = workload.Attempts;
            var readBack = await workload.ReadBackAsync(patience.Token);
            var report = FailoverAnalysis.Analyze(attempts, readBack, null);
            await workload.DropTableAsync(patience.Token);

            var readOnly = attempts.Where(a => a.Outcome == WriteOutcome.Failed).ToList();
            Assert.NotEmpty(readOnly);
            Assert.All(readOnly, a => Assert.Contains("25006", a.Error));
            Assert.Contains(attempts, a => a.Outcome == WriteOutcome.Unknown && a.Error!.Contains("57P01"));
            Assert.All(readOnly, a => Assert.DoesNotContain(a.Id, readBack));
            Assert.Equal(0, report.LostWrites);
            Assert.Equal(0, report.UnexpectedWrites);
            Assert.Equal(WriteOutcome.Acknowledged, attempts[attempts.Count - 1].Outcome);
        }

        [Fact]
        public async Task WrongPasswordFailsEveryAttemptWithoutLeakingIt()
        {
            const string wrong = "not-the-password-4711";
            var clock = new FailoverClock();
            var events = new FailoverEventLog(clock);
            var workload = new WriteWorkload(server.Postgres.TargetWithPassword(wrong), "auth-" + Guid.NewGuid().ToString("N"), clock, events);

            using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            await workload.RunAsync(stop.Token);

            var attempts = workload.Attempts;
            Assert.NotEmpty(attempts);
            Assert.All(attempts, a => Assert.Equal(WriteOutcome.Failed, a.Outcome));
            Assert.All(attempts, a => Assert.Contains("28P01", a.Error));
            Assert.All(attempts, a => Assert.DoesNotContain(wrong, a.Error));
            var failing = Assert.Single(events.Snapshot());
            Assert.Equal(FailoverEventKind.WritesFailing, failing.Kind);
            Assert.Equal($"127.0.0.1:{server.Postgres.Port}", failing.Node);
            Assert.DoesNotContain(wrong, workload.Target.ToString());
        }
    }
}
