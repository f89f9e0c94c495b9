using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HaPg.Components.Common;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Operations;
using HaPg.Remote;
using HaPg.Results;
using HaPg.Tests.Components;
using HaPg.Tests.Steps;
using Xunit;
using static HaPg.Tests.Operations.PatroniFake;

namespace HaPg.Tests.Operations
{
    public class ReplicaRebuildTests
    {
        private const string RestApiPassword = "rest-api-secret";

        private static OperationHarness NewHarness(bool dedicatedHaproxy = false)
        {
            var harness = new OperationHarness(TestInventory.ThreeNodes(dedicatedHaproxy), "Repair-HaPgReplica");
            harness.Inventory.Secrets.RestApiPassword = RestApiPassword.ToSecureString();
            return harness;
        }

        private static ReplicaRebuild NewRebuild(OperationHarness harness, params string[] names) =>
            new ReplicaRebuild(harness.Context, harness.Inventory.NodesWithRole(HaPgRole.Postgres)
                .Where(n => names.Length == 0 || names.Contains(n.Name)).ToList())
            {
                NodesNamed = names.Length > 0,
                Timeout = TimeSpan.FromSeconds(5),
                ServingTimeout = TimeSpan.FromSeconds(1),
            };

        /// <summary>
        /// pg1 leads on timeline 6 and pg2 and pg3 are in the given states; pg3 has diverged unless it streams. Each node answers
        /// as such until its own reinitialize, then streams from pg1 with a new postmaster. HAProxy routes reads to the replicas
        /// when <paramref name="routed"/>.
        /// </summary>
        private static void Cluster3(OperationHarness harness, string pg2State, string pg3State, string pg3Role = "replica", bool routed = false)
        {
            var rebuilt = new HashSet<string>();
            bool Rebuilt(string name)
            {
                lock (rebuilt) return rebuilt.Contains(name);
            }

            string Members() => ClusterJson(Leader("pg1"),
                Replica("pg2", Rebuilt("pg2") ? "streaming" : pg2State),
                Replica("pg3", Rebuilt("pg3") ? "streaming" : pg3State, role: pg3Role));
            foreach (var host in harness.Hosts.Values)
            {
                var name = host.Node.Name;
                if (host.Node.HasRole(HaPgRole.Haproxy))
                {
                    host.AnswersHaproxy("pg1", routed ? new[] { "pg2", "pg3" } : Array.Empty<string>());
                }

                host.On("8008/reinitialize' POST$", _ =>
                {
                    lock (rebuilt) rebuilt.Add(name);
                    return new RemoteCommandResult { ExitCode = 0, Stdout = "{\"message\": \"reinitialize started\"}" };
                }).AnswersCluster(Members);
            }

            harness.Hosts["pg1"].AnswersReplicaFacts(string.Empty, History6);
            harness.Hosts["pg2"].AnswersReplicaFacts(() => Rebuilt("pg2") ? $"streaming|new start|{History6}"
                : $"{(pg2State == "streaming" ? "streaming" : string.Empty)}|{Start}|{History6}");
            harness.Hosts["pg3"].AnswersReplicaFacts(() => Rebuilt("pg3") ? $"streaming|new start|{History6}"
                : pg3State == "streaming" ? $"streaming|{Start}|{History6}" : $"|{Start}|{History7}");
        }

        private static RemoteCommand? Reinitialize(RecordingHost host) =>
            host.Commands.SingleOrDefault(c => c.Text.EndsWith("/reinitialize' POST", StringComparison.Ordinal));

        [Fact]
        public void ADivergedReplicaIsRebuiltAndAStreamingOneIsLeftAlone()
        {
            using var harness = NewHarness(dedicatedHaproxy: true);
            Cluster3(harness, "streaming", "running", routed: true);

            var rebuild = NewRebuild(harness);
            rebuild.ServingTimeout = TimeSpan.FromSeconds(30);
            var results = rebuild.Run();

            var pg2 = results.Single(r => r.Node == "pg2");
            Assert.Equal(("streaming", false, HaPgStatus.Succeeded, "pg1", 6L), (pg2.Reason, pg2.Changed, pg2.Status, pg2.Leader, pg2.LeaderTimeline));
            var pg3 = results.Single(r => r.Node == "pg3");
            Assert.True(pg3.Changed);
            Assert.Equal("diverged: it holds the history of timeline 7, ahead of the leader's timeline 6, and cannot follow the leader", pg3.Reason);
            Assert.Equal(new[] { "reinitialized from pg1 and streaming" }, pg3.Messages);
            Assert.Equal(("Repair-HaPgReplica", "Postgres"), (pg3.Step, pg3.Role));
            Assert.Equal(new[] { "pg2", "pg3" }, harness.Sink.Results<HaPgReplicaRepairResult>().Select(r => r.Node));
            Assert.Null(Reinitialize(harness.Hosts["pg2"]));
            Assert.Equal("patroni\n" + RestApiPassword + "\n{}", Reinitialize(harness.Hosts["pg3"])!.Stdin);
            Assert.Null(Reinitialize(harness.Hosts["pg1"]));
            Assert.Equal("pg3 (10.0.0.13)", Assert.Single(harness.Sink.Asked).Target);
            Assert.Empty(harness.Sink.Warnings);
            Assert.Empty(harness.Sink.Errors);
        }

        [Fact]
        public void ForceRebuildsAStreamingReplicaAndWarnsWhenHaproxyDoesNotRouteToIt()
        {
            using var harness = NewHarness();
            Cluster3(harness, "streaming", "streaming");

            var rebuild = NewRebuild(harness, "pg2");
            rebuild.Force = true;
            var result = Assert.Single(rebuild.Run());

            Assert.Equal(("pg2", "rebuild requested (-Force)", true), (result.Node, result.Reason, result.Changed));
            Assert.NotNull(Reinitialize(harness.Hosts["pg2"]));
            Assert.Null(Reinitialize(harness.Hosts["pg3"]));
            const string notRouted = "pg2 streams, but HAProxy does not route reads to it after 1 s; see Test-HaPgCluster";
            Assert.Contains(notRouted, result.Messages);
            Assert.Equal("[pg2] " + notRouted, Assert.Single(harness.Sink.Warnings));
        }

        [Fact]
        public void WithoutALeaderNothingIsRepaired()
        {
            using var harness = NewHarness();
            foreach (var host in harness.Hosts.Values)
            {
                host.AnswersCluster(ClusterJson(Replica("pg1", "stopped", lag: null), Replica("pg2", "running"), Replica("pg3", "running")));
            }

            var error = Assert.Throws<HaPgValidationException>(() => NewRebuild(harness).Run());

            Assert.Equal(("HaPg.Repair.NoLeader", ErrorCategory.InvalidOperation, (object?)"demo"), (error.Issue.Id, error.Issue.Category, error.Issue.Target));
            Assert.Equal("No repair without a leader to copy from: members pg1 replica stopped; pg2 replica running; pg3 replica running. Run Test-HaPgCluster.",
                error.Message);
            Assert.Empty(harness.Sink.Asked);
            Assert.Empty(harness.Sink.Objects);
        }

        [Fact]
        public void ANamedLeaderIsAnErrorOfItsOwnAndTheReplicasAreStillRead()
        {
            using var harness = NewHarness();
            Cluster3(harness, "streaming", "streaming");

            var results = NewRebuild(harness, "pg1", "pg3").Run();

            var error = Assert.Single(harness.Sink.Errors);
            Assert.Equal(("HaPg.Repair.IsLeader", ErrorCategory.InvalidArgument, (object)"pg1"), (error.FullyQualifiedErrorId, error.CategoryInfo.Category, error.TargetObject));
            Assert.Equal("pg1 is the leader; only a replica can be reinitialized. Invoke-HaPgSwitchover first.", error.Exception.Message);
            Assert.Equal(new[] { "pg3 streaming" }, results.Select(r => $"{r.Node} {r.Reason}"));
        }

        [Fact]
        public void TheLeaderIsSkippedSilentlyWhenNoNodeWasNamed()
        {
            using var harness = NewHarness();
            Cluster3(harness, "streaming", "streaming");

            var results = NewRebuild(harness).Run();

            Assert.Empty(harness.Sink.Errors);
            Assert.Equal(new[] { "pg2", "pg3" }, results.Select(r => r.Node));
            Assert.All(harness.Hosts.Values, h => Assert.Null(Reinitialize(h)));
        }

        [Fact]
        public void UnderWhatIfItShowsTheReinitializePerNodeAndTouchesNothing()
        {
            using var harness = NewHarness();
            harness.Sink.IsWhatIf = true;
            Cluster3(harness, "starting", "running", pg3Role: "sync_standby");

            var results = NewRebuild(harness).Run();

            Assert.Equal(new[] { "pg2 (10.0.0.12)", "pg3 (10.0.0.13)" }, harness.Sink.Asked.Select(a => a.Target));
            Assert.Equal("Reinitialize from pg1: POST https://10.0.0.13:8008/reinitialize; Patroni stops PostgreSQL, replaces the data directory with a copy of " +
                         "the leader's, and starts it as a replica. Reason: diverged: it holds the history of timeline 7, ahead of the leader's timeline 6, " +
                         "and cannot follow the leader", harness.Sink.Asked[1].Action);
            Assert.EndsWith("Reason: not streaming (state starting, wal receiver '')", harness.Sink.Asked[0].Action);
            Assert.All(results, r => Assert.Equal((HaPgStatus.WhatIf, false), (r.Status, r.Changed)));
            Assert.All(results, r => Assert.StartsWith("Reinitialize from pg1: POST", Assert.Single(r.Messages)));
            Assert.All(harness.Hosts.Values, h => Assert.Null(Reinitialize(h)));
            Assert.Empty(harness.Sink.Warnings);
        }

        [Fact]
        public void ADeclinedReplicaIsSkippedAndTheSyncStandbyIsWarnedOfBeforeItsRebuild()
        {
            using var harness = NewHarness();
            Cluster3(harness, "starting", "running", pg3Role: "sync_standby");
            var sink = new DecliningSink(harness.Sink, "pg2 (10.0.0.12)");
            using var runner = new NodeRunner(sink, i => ConnectionPool.Over(i, node => harness.Hosts[node.Name]));
            var context = new OperationContext(harness.Inventory, runner, "Repair-HaPgReplica");

            var results = new ReplicaRebuild(context, harness.Inventory.NodesWithRole(HaPgRole.Postgres).ToList())
            {
                Timeout = TimeSpan.FromSeconds(5),
                ServingTimeout = TimeSpan.FromSeconds(1),
            }.Run();

            var pg2 = results.Single(r => r.Node == "pg2");
            Assert.Equal((HaPgStatus.Skipped, false), (pg2.Status, pg2.Changed));
            Assert.Null(Reinitialize(harness.Hosts["pg2"]));
            Assert.True(results.Single(r => r.Node == "pg3").Changed);
            Assert.Equal("pg3 is the synchronous standby: with synchronous_mode_strict, writes wait until it streams again.", harness.Sink.Warnings.First());
        }

        /// <summary>Records into <see cref="RecordingSink"/>, and declines ShouldProcess for one target.</summary>
        private sealed class DecliningSink : IOperationSink
        {
            private readonly RecordingSink inner;
            private readonly string declined;

            public DecliningSink(RecordingSink inner, string declined)
            {
                this.inner = inner;
                this.declined = declined;
            }

            public bool IsWhatIf => inner.IsWhatIf;
            public bool ShouldProcess(string target, string action) => inner.ShouldProcess(target, action) && target != declined;
            public void WriteObject(object result) => inner.WriteObject(result);
            public void WriteVerbose(string message) => inner.WriteVerbose(message);
            public void WriteWarning(string message) => inner.WriteWarning(message);
            public void WriteError(ErrorRecord record) => inner.WriteError(record);
            public void WriteProgress(ProgressRecord record) => inner.WriteProgress(record);
        }
    }
}
