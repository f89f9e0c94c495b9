using System.Linq;
using HaPg.Components.Haproxy;
using HaPg.Components.Patroni;
using HaPg.Components.Postgres;
using Xunit;

namespace HaPg.Tests.Components.Patroni
{
    public class ReplicaRepairTests
    {
        private static PatroniMember Replica(string state = "running") =>
            new PatroniMember { Name = "pg2", Role = "replica", State = state, Timeline = 6, LagBytes = 0 };

        private static TimelineHistory History(int timeline, params string[] switches) =>
            TimelineHistory.Parse($"{timeline:X8}.history:" + string.Join(";", switches))!;

        private static readonly TimelineHistory Leader6 = History(6, "4\t0/4000000\tx", "5\t0/5000000\tno recovery target specified");

        [Fact]
        public void AStreamingReplicaOrTheLeaderNeedsNoRepair()
        {
            Assert.Null(ReplicaRepair.Diagnose(Replica("streaming"), "streaming", Leader6, Leader6));
            Assert.Null(ReplicaRepair.Diagnose(new PatroniMember { Name = "pg1", Role = "leader", State = "running", Timeline = 6 }, string.Empty, Leader6, Leader6));
        }

        [Fact]
        public void HistoryOfATimelineAheadOfTheLeadersIsADivergence()
        {
            var reason = ReplicaRepair.Diagnose(Replica(), string.Empty, History(7, "4\t0/4000000", "5\t0/5000000", "6\t0/6000000"), Leader6);

            Assert.Equal("diverged: it holds the history of timeline 7, ahead of the leader's timeline 6, and cannot follow the leader", reason);
            Assert.True(ReplicaRepair.IsDivergence(reason));
        }

        [Fact]
        public void TheSameTimelineNumberReachedFromAnotherSwitchPointIsADivergence()
        {
            // Seen in the lab after an isolated leader overwrote the new leader's key: both promoted to timeline 12.
            var leader = TimelineHistory.Parse("0000000C.history:10\t0/425A760\tno recovery target specified;;11\t0/429EAD0\tno recovery target specified;")!;
            var replica = TimelineHistory.Parse("0000000C.history:10\t0/425A760\tno recovery target specified;;11\t0/429EA58\tno recovery target specified;")!;

            var reason = ReplicaRepair.Diagnose(Replica(), string.Empty, replica, leader);

            Assert.Equal("diverged: its timeline 12 left timeline 11 at 0/429EA58, where the leader's history left it at 0/429EAD0, and cannot follow the leader", reason);
            Assert.True(ReplicaRepair.IsDivergence(reason));
            Assert.Null(replica.DivergenceFrom(replica));
        }

        [Fact]
        public void ASameNumberedTimelineFromAnotherParentIsADivergence()
        {
            var reason = History(6, "4\t0/4000000").DivergenceFrom(Leader6);

            Assert.Equal("its timeline 6 left timeline 4, where the leader's timeline 6 left timeline 5", reason);
        }

        [Fact]
        public void AReplicaBehindOnTheLeadersLineOrWithoutHistoryIsNotDiverged()
        {
            var behind = History(5, "4\t0/4000000");
            Assert.Null(behind.DivergenceFrom(Leader6));
            Assert.Null(TimelineHistory.Parse(string.Empty)!.DivergenceFrom(Leader6));

            var reason = ReplicaRepair.Diagnose(Replica("starting"), string.Empty, behind, Leader6);
            Assert.Equal("not streaming (state starting, wal receiver '')", reason);
            Assert.False(ReplicaRepair.IsDivergence(reason));
        }

        [Fact]
        public void AnIncompleteLeaderHistoryNeverMakesADivergence()
        {
            // A leader whose history lacks the replica's parent timeline cannot prove anything.
            Assert.Null(History(5, "3\t0/3000000", "4\t0/4000000").DivergenceFrom(History(6, "5\t0/5000000")));
        }

        [Fact]
        public void WithoutTheHistoriesOnlyPatronisTimelineNumberIsCompared()
        {
            var leader = new PatroniMember { Name = "pg1", Role = "leader", State = "running", Timeline = 6 };

            Assert.Same(Leader6, ReplicaRepair.LeaderHistory(leader, Leader6));
            var numberOnly = ReplicaRepair.LeaderHistory(leader, null)!;
            Assert.Equal(6, numberOnly.Timeline);
            Assert.Null(numberOnly.Switches);
            Assert.NotNull(History(7, "6\t0/6000000").DivergenceFrom(numberOnly));
            Assert.Null(History(6, "5\t0/5000001").DivergenceFrom(numberOnly));
            Assert.Null(ReplicaRepair.LeaderHistory(new PatroniMember { Name = "pg1", Role = "leader" }, null));
            Assert.False(ReplicaRepair.IsDivergence(ReplicaRepair.Diagnose(Replica(), string.Empty, History(7, "6\t0/6000000"), null)));
        }

        [Fact]
        public void AMissingMemberNeedsARepairButIsNoDivergence()
        {
            Assert.Equal("not a member of the cluster", ReplicaRepair.Diagnose(null, string.Empty, History(9), Leader6));
            Assert.False(ReplicaRepair.IsDivergence(null));
        }

        [Fact]
        public void HistoryParsesTheNewestFileOrRefusesWhatIsNotOne()
        {
            var history = TimelineHistory.Parse("0000000C.history:10\t0/425A760\tno recovery target specified;;# comment;11\t0/429EAD0\tat restore point \"a|b\";\n")!;
            Assert.Equal(12, history.Timeline);
            Assert.Equal(new[] { "10 at 0/425A760", "11 at 0/429EAD0" }, history.Switches!.Select(s => s.ToString()));

            var first = TimelineHistory.Parse(" \n")!;
            Assert.Equal(1, first.Timeline);
            Assert.Empty(first.Switches!);

            Assert.Null(TimelineHistory.Parse("psql: error: connection refused"));
            Assert.Null(TimelineHistory.Parse("0000000C.history:eleven\t0/1"));
        }

        [Fact]
        public void FactsParseFromOneQueryLineOrStayEmptyWhenPostgresIsDown()
        {
            var facts = ReplicaFacts.Parse("streaming|2026-12-01 09:01:02.5+00|00000007.history:6\t0/6000000\tno recovery target specified;\n");
            Assert.Equal("streaming", facts.WalReceiver);
            Assert.Equal(7, facts.History!.Timeline);
            Assert.Equal("2026-12-01 09:01:02.5+00", facts.PostmasterStart);

            var stuck = ReplicaFacts.Parse("|2026-12-01 09:01:02.5+00|");
            Assert.Equal(string.Empty, stuck.WalReceiver);
            Assert.Equal(1, stuck.History!.Timeline);

            var down = ReplicaFacts.Parse(string.Empty);
            Assert.Equal(string.Empty, down.WalReceiver);
            Assert.Null(down.History);
            Assert.Equal(string.Empty, down.PostmasterStart);
        }

        [Theory]
        [InlineData("UP", true)]
        [InlineData("UP 1/3", false)]
        [InlineData("UP 2/3", false)]
        [InlineData("DOWN", false)]
        [InlineData("DOWN 1/1", false)]
        public void ReadsAreServedOnlyByAPlainlyUpReplica(string status, bool serves)
        {
            var servers = new[]
            {
                new HaPg.Components.Haproxy.HaproxyServerStatus { Proxy = "replicas", Server = "node-2", Status = status },
                new HaPg.Components.Haproxy.HaproxyServerStatus { Proxy = "primary", Server = "node-3", Status = "UP" },
                new HaPg.Components.Haproxy.HaproxyServerStatus { Proxy = "replicas", Server = "node-3", Status = "UP" },
            };

            Assert.Equal(serves, HaproxySteps.ServesReads(servers, "node-2"));
            Assert.False(HaproxySteps.ServesReads(servers, "node-1"));
        }
    }
}
