using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Failover;
using HaPg.Results;
using Xunit;
using Xunit.Abstractions;

namespace HaPg.Tests.Failover
{
    /// <summary>The writer against a real PostgreSQL on loopback, crashed and restarted under load.</summary>
    public sealed class WriteWorkloadTests : IClassFixture<WriteWorkloadTests.Server>
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
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
            // Every phase lasts until its work has happened, however busy the machine: no count of writes is asserted.
            await UntilAsync(() => workload.Attempts.Count(a => a.Outcome == WriteOutcome.Acknowledged) >= 10, patience.Token);
            var crashedAt = clock.Now;
            postgres.Crash();
            var downAt = clock.Now;
            await Task.Delay(TimeSpan.FromSeconds(1), patience.Token);
            await UntilAsync(() => workload.Attempts.Count(a => a.Start >= downAt) >= 3, patience.Token);
            var startingAt = clock.Now;
            postgres.Start();
            var upAt = clock.Now;
            await UntilAsync(() => workload.Attempts.Count(a => a.Start >= upAt && a.Outcome == WriteOutcome.Acknowledged) >= 10, patience.Token);
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
            Assert.Equal(attempts.Count(a => a.Outcome == WriteOutcome.Acknowledged), report.AcknowledgedWrites);
            Assert.Equal(attempts.Count, report.AcknowledgedWrites + report.FailedWrites + report.UnknownWrites);
            // While the server was down every attempt failed or is unknown.
            var whileDown = attempts.Where(a => a.Start >= downAt && a.End <= startingAt).ToList();
            Assert.NotEmpty(whileDown);
            Assert.DoesNotContain(whileDown, a => a.Outcome == WriteOutcome.Acknowledged);
            Assert.All(whileDown, a => Assert.False(string.IsNullOrEmpty(a.Error)));
            // The outage is the gap between the last acknowledgement before the crash and the first after the restart.
            var acknowledged = attempts.Where(a => a.Outcome == WriteOutcome.Acknowledged).ToList();
            Assert.Equal(acknowledged.Last(a => a.End <= downAt).End, report.OutageStart);
            Assert.Equal(acknowledged.First(a => a.End > downAt).End, report.OutageEnd);
            Assert.True(report.OutageEnd >= startingAt, $"outage ended at {report.OutageEnd:O}, before the server was started at {startingAt:O}");
            Assert.Equal(report.OutageEnd - report.OutageStart, report.WriteDowntime);
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
                await UntilAsync(() => workload.Attempts.Count(a => a.Outcome == WriteOutcome.Acknowledged) >= 5, patience.Token);
                // Like a demoted primary: new sessions are read-only; the writer's session is cut.
                PostgresServer.Execute(admin, $"ALTER DATABASE {PostgresServer.Role} SET default_transaction_read_only = on");
                PostgresServer.Execute(admin, terminateWriter);
                await UntilAsync(() => workload.Attempts.Count(a => a.Outcome == WriteOutcome.Failed) >= 3, patience.Token);
                // Every failed attempt closed its session, so the next one connects afresh and writes again.
                PostgresServer.Execute(admin, $"ALTER DATABASE {PostgresServer.Role} RESET default_transaction_read_only");
                var resetAt = clock.Now;
                await UntilAsync(() => workload.Attempts.Count(a => a.Start > resetAt && a.Outcome == WriteOutcome.Acknowledged) >= 5, patience.Token);
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

            using var patience = new CancellationTokenSource(Patience);
            using var stop = new CancellationTokenSource();
            var run = workload.RunAsync(stop.Token);
            await UntilAsync(() => workload.Attempts.Count >= 3, patience.Token);
            stop.Cancel();
            await run;

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

        /// <summary>
        /// HAProxy with no server UP accepts a connection and says nothing: the writer's attempt must still end at its own
        /// timeout, or one hung connect would hide a recovery for the driver's 15 s and inflate the downtime measured.
        /// </summary>
        [Fact]
        public async Task ASilentServerFailsEachAttemptAtTheOperationTimeout()
        {
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            var held = new List<System.Net.Sockets.TcpClient>();
            using var stopAccepting = new CancellationTokenSource();
            var accepting = Task.Run(async () =>
            {
                try
                {
                    while (true) held.Add(await listener.AcceptTcpClientAsync(stopAccepting.Token));
                }
                catch (OperationCanceledException)
                {
                }
            });
            try
            {
                var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
                var password = new System.Security.SecureString();
                password.AppendChar('x');
                var target = new PostgresTarget("127.0.0.1", port, "postgres", "postgres", password);
                var workload = new WriteWorkload(target, "silent-" + Guid.NewGuid().ToString("N"), new FailoverClock()) { OperationTimeout = TimeSpan.FromSeconds(1) };

                using var patience = new CancellationTokenSource(Patience);
                using var stop = new CancellationTokenSource();
                var run = workload.RunAsync(stop.Token);
                await UntilAsync(() => workload.Attempts.Count >= 2, patience.Token);
                stop.Cancel();
                await run;

                Assert.All(workload.Attempts, a => Assert.Equal(WriteOutcome.Failed, a.Outcome));
                // Well under the driver's 15 s backstop: the attempt ended on its own 1 s bound.
                Assert.All(workload.Attempts, a => Assert.InRange(a.Duration.TotalSeconds, 0.9, 5));
            }
            finally
            {
                stopAccepting.Cancel();
                listener.Stop();
                await accepting;
                held.ForEach(c => c.Dispose());
            }
        }

        /// <summary>Waits until <paramref name="done"/> holds; the token's patience is the only limit.</summary>
        private static async Task UntilAsync(Func<bool> done, CancellationToken patience)
        {
            while (!done())
            {
                await Task.Delay(50, patience);
            }
        }
    }
}
