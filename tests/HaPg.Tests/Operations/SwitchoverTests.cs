using System;
using System.Linq;
using System.Management.Automation;
using HaPg.Components.Common;
using HaPg.Inventory;
using HaPg.Operations;
using HaPg.Tests.Components;
using Xunit;
using static HaPg.Tests.Operations.PatroniFake;

namespace HaPg.Tests.Operations
{
    public class SwitchoverTests
    {
        private const string RestApiPassword = "rest-api-secret";

        private static OperationHarness NewHarness()
        {
            var harness = new OperationHarness(TestInventory.ThreeNodes(), "Invoke-HaPgSwitchover");
            harness.Inventory.Secrets.RestApiPassword = RestApiPassword.ToSecureString();
            return harness;
        }

        private static Switchover NewSwitchover(OperationHarness harness, string? candidate = null) =>
            new Switchover(harness.Context, harness.Inventory.NodesWithRole(HaPgRole.Postgres).ToList())
            {
                Candidate = candidate,
                Timeout = TimeSpan.FromSeconds(5),
            };

        /// <summary>pg3 leads on timeline 6; after the POST to its Patroni, <paramref name="to"/> leads on timeline 7.</summary>
        private static void LeaderHandsOverTo(OperationHarness harness, string to)
        {
            var switched = false;
            var before = ClusterJson(Replica("pg1", lag: 4096), Replica("pg2", lag: 0), Leader("pg3"));
            var after = ClusterJson(new[] { "pg1", "pg2", "pg3" }.Select(n => n == to ? Leader(n, 7) : Replica(n, timeline: 7)).ToArray());
            harness.Hosts["pg3"]
                .On("8008/switchover' POST$", _ =>
                {
                    switched = true;
                    return new HaPg.Remote.RemoteCommandResult { ExitCode = 0, Stdout = "Successfully switched over to \"" + to + "\"" };
                })
                .AnswersCluster(() => switched ? after : before);
        }

        [Fact]
        public void SwitchesOverToTheReplicaWithTheLeastLagThroughTheLeadersPatroni()
        {
            using var harness = NewHarness();
            LeaderHandsOverTo(harness, "pg2");

            var result = NewSwitchover(harness).Run();

            Assert.NotNull(result);
            Assert.Equal(("pg3", "pg2", 6L, 7L, true), (result!.OldLeader, result.NewLeader, result.TimelineBefore, result.TimelineAfter, result.Changed));
            Assert.Equal(("pg3", "Postgres", "Invoke-HaPgSwitchover"), (result.Node, result.Role, result.Step));
            Assert.Same(result, Assert.Single(harness.Sink.Results<HaPg.Results.HaPgSwitchoverResult>()));
            Assert.Equal(("demo", "Switch over from pg3 to pg2"), Assert.Single(harness.Sink.Asked));
            var post = Assert.Single(harness.Hosts["pg3"].Commands, c => c.Text.EndsWith("/switchover' POST", StringComparison.Ordinal));
            Assert.Equal("patroni\n" + RestApiPassword + "\n{\"leader\":\"pg3\",\"candidate\":\"pg2\"}", post.Stdin!.Replace(": ", ":").Replace(", ", ","));
            Assert.DoesNotContain(harness.Sink.Verbose, v => v.Contains(RestApiPassword));
            Assert.Empty(harness.Sink.Errors);
        }

        [Fact]
        public void WithTheFirstNodeDownTheMembersComeFromTheNext()
        {
            using var harness = NewHarness();
            harness.Hosts["pg1"].Unreachable();
            harness.Hosts["pg2"].AnswersCluster(ClusterJson(Replica("pg1", "stopped", lag: null), Replica("pg2"), Leader("pg3")));
            LeaderHandsOverTo(harness, "pg2");

            var result = NewSwitchover(harness).Run();

            Assert.Equal("pg2", result!.NewLeader);
            Assert.All(harness.Sink.Errors, e => Assert.Equal("pg1", ((HaPgNode)e.TargetObject).Name));
        }

        [Fact]
        public void WithoutALeaderNoCandidateIsRefusedBeforeAnythingChanges()
        {
            using var harness = NewHarness();
            foreach (var host in harness.Hosts.Values)
            {
                host.AnswersCluster(ClusterJson(Replica("pg1", "running"), Replica("pg2", "running"), Replica("pg3", "stopped", lag: null)));
            }

            var error = Assert.Throws<HaPgValidationException>(() => NewSwitchover(harness).Run());

            Assert.Equal(("HaPg.Switchover.NoCandidate", ErrorCategory.InvalidOperation, (object?)"demo"), (error.Issue.Id, error.Issue.Category, error.Issue.Target));
            Assert.Equal("No switchover possible: leader none, candidate (best replica) not a running replica; members: pg1 replica running; pg2 replica running; pg3 replica stopped.",
                error.Message);
            Assert.Empty(harness.Sink.Asked);
        }

        [Fact]
        public void ACandidateThatIsNotAMemberIsNoCandidateAndTheTargetIsItsName()
        {
            using var harness = NewHarness();
            LeaderHandsOverTo(harness, "pg2");

            var error = Assert.Throws<HaPgValidationException>(() => NewSwitchover(harness, "pg9").Run());

            Assert.Equal(("HaPg.Switchover.NoCandidate", (object?)"pg9"), (error.Issue.Id, error.Issue.Target));
            Assert.StartsWith("No switchover possible: leader pg3, candidate pg9 not a running replica; members: ", error.Message);
        }

        [Fact]
        public void InSynchronousModeACandidateThatIsNotTheSyncStandbyIsRefused()
        {
            using var harness = NewHarness();
            foreach (var host in harness.Hosts.Values)
            {
                host.AnswersCluster(ClusterJson(Replica("pg1"), Replica("pg2", role: "sync_standby"), Leader("pg3")));
            }

            var error = Assert.Throws<HaPgValidationException>(() => NewSwitchover(harness, "PG1").Run());

            Assert.Equal(("HaPg.Switchover.NotSyncStandby", ErrorCategory.InvalidArgument, (object?)"pg1"), (error.Issue.Id, error.Issue.Category, error.Issue.Target));
            Assert.Equal("In synchronous mode only a synchronous standby (pg2) can be promoted; pg1 is not one.", error.Message);
            Assert.Empty(harness.Sink.Asked);
            Assert.DoesNotContain(harness.Hosts.Values.SelectMany(h => h.Texts), t => t.Contains("/switchover"));
        }

        [Fact]
        public void InSynchronousModeTheBestCandidateIsTheSyncStandby()
        {
            using var harness = NewHarness();
            harness.Hosts["pg1"].AnswersCluster(ClusterJson(Replica("pg1", lag: 0), Replica("pg2", lag: 8192, role: "sync_standby"), Leader("pg3")));
            LeaderHandsOverTo(harness, "pg2");

            Assert.Equal("pg2", NewSwitchover(harness).Run()!.NewLeader);
        }

        [Fact]
        public void UnderWhatIfItShowsTheSwitchAndTouchesNothing()
        {
            using var harness = NewHarness();
            harness.Sink.IsWhatIf = true;
            LeaderHandsOverTo(harness, "pg2");

            Assert.Null(NewSwitchover(harness, "pg1").Run());

            Assert.Equal(("demo", "Switch over from pg3 to pg1"), Assert.Single(harness.Sink.Asked));
            Assert.DoesNotContain(harness.Hosts.Values.SelectMany(h => h.Commands), c => c.Text.Contains("/switchover") || c.Sudo && !c.Text.Contains("cat --"));
            Assert.Empty(harness.Sink.Objects);
        }
    }
}
