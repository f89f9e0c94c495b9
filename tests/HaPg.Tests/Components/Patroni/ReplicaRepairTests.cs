using HaPg.Components.Patroni;
using Xunit;

namespace HaPg.Tests.Components.Patroni
{
    public class ReplicaRepairTests
    {
        private static PatroniMember Replica(string state = "running") =>
            new PatroniMember { Name = "pg2", Role = "replica", State = state, Timeline = 6, LagBytes = 0 };

        [Fact]
        public void AStreamingReplicaOrTheLeaderNeedsNoRepair()
        {
            Assert.Null(ReplicaRepair.Diagnose(Replica("streaming"), 6, "streaming", 6));
            Assert.Null(ReplicaRepair.Diagnose(new PatroniMember { Name = "pg1", Role = "leader", State = "running", Timeline = 6 }, 6, string.Empty, 6));
        }

        [Fact]
        public void HistoryOfATimelineAheadOfTheLeadersIsADivergence()
        {
            var reason = ReplicaRepair.Diagnose(Replica(), 6, string.Empty, 7);

            Assert.Equal("diverged: it holds the history of timeline 7, ahead of the leader's timeline 6, and cannot follow the leader", reason);
            Assert.True(ReplicaRepair.IsDivergence(reason));
        }

        [Theory]
        [InlineData(6L)]
        [InlineData(null)]
        public void NotStreamingWithoutAHistoryAheadIsNotADivergence(long? highest)
        {
            var reason = ReplicaRepair.Diagnose(Replica("starting"), 6, string.Empty, highest);

            Assert.Equal("not streaming (state starting, wal receiver '')", reason);
            Assert.False(ReplicaRepair.IsDivergence(reason));
        }

        [Fact]
        public void TheLeadersTimelineIsTheNewerOfPatronisAndItsOwnHistory()
        {
            var leader = new PatroniMember { Name = "pg1", Role = "leader", State = "running", Timeline = 6 };

            Assert.Equal(7, ReplicaRepair.LeaderTimeline(leader, 7));
            Assert.Equal(6, ReplicaRepair.LeaderTimeline(leader, 5));
            Assert.Equal(6, ReplicaRepair.LeaderTimeline(leader, null));
            Assert.Equal(3, ReplicaRepair.LeaderTimeline(new PatroniMember { Name = "pg1", Role = "leader" }, 3));
        }

        [Fact]
        public void AMissingMemberNeedsARepairButIsNoDivergence()
        {
            Assert.Equal("not a member of the cluster", ReplicaRepair.Diagnose(null, 6, string.Empty, 9));
            Assert.False(ReplicaRepair.IsDivergence(null));
        }

        [Fact]
        public void FactsParseFromOneQueryLineOrStayEmptyWhenPostgresIsDown()
        {
            var facts = ReplicaFacts.Parse("streaming|7|2026-12-01 09:01:02.5+00\n");
            Assert.Equal("streaming", facts.WalReceiver);
            Assert.Equal(7, facts.HighestHistoryTimeline);
            Assert.Equal("2026-12-01 09:01:02.5+00", facts.PostmasterStart);

            var stuck = ReplicaFacts.Parse("|0|2026-12-01 09:01:02.5+00");
            Assert.Equal(string.Empty, stuck.WalReceiver);
            Assert.Equal(0, stuck.HighestHistoryTimeline);

            var down = ReplicaFacts.Parse(string.Empty);
            Assert.Equal(string.Empty, down.WalReceiver);
            Assert.Null(down.HighestHistoryTimeline);
            Assert.Equal(string.Empty, down.PostmasterStart);
        }
    }
}
