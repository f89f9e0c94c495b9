using HaPg.Failover;
using Xunit;

namespace HaPg.Tests.Failover
{
    public sealed class ClusterProberTests
    {
        private static readonly string[] RoutedToNode2 = { "node-2" };

        [Theory]
        [InlineData(true, true, true, null)] // the leader
        [InlineData(true, null, true, null)] // its Patroni did not answer and HAProxy did not either: counted, to be safe
        [InlineData(false, true, false, null)]
        [InlineData(true, false, false, "without the leader lock")] // an old primary in the moment before Patroni demotes it
        public void AWritableMemberCountsAsPrimaryUnlessItsPatroniDeniedTheLock(bool writable, bool? holdsLock, bool primary, string? note)
        {
            var (counted, why) = ClusterProber.Classify("node-1", writable, holdsLock, routed: null);

            Assert.Equal(primary, counted);
            if (note is null) Assert.Null(why);
            else Assert.Contains(note, why);
        }

        [Fact]
        public void AThawedPrimaryWhosePatroniDoesNotAnswerIsNotCountedWhileHaproxyRoutesElsewhere()
        {
            var (counted, note) = ClusterProber.Classify("node-1", writable: true, holdsLock: null, routed: RoutedToNode2);

            Assert.False(counted);
            Assert.Equal("node-1 accepted writes for a moment while its Patroni did not answer, before Patroni demoted it " +
                         "(HAProxy does not route to it; only direct clients could write there)", note);
        }

        [Fact]
        public void HaproxyRoutingToItOrALockItHoldsKeepsItAPrimary()
        {
            Assert.Equal((true, (string?)null), ClusterProber.Classify("node-2", true, null, RoutedToNode2));
            Assert.Equal((true, (string?)null), ClusterProber.Classify("node-1", true, true, RoutedToNode2)); // two Patronis claiming the lock: split brain
            Assert.Equal(((bool?)null, (string?)null), ClusterProber.Classify("node-1", null, true, RoutedToNode2));
        }
    }
}
