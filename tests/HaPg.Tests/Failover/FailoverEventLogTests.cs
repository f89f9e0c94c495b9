using System.Linq;
using System.Threading.Tasks;
using HaPg.Failover;
using HaPg.Results;
using Xunit;

namespace HaPg.Tests.Failover
{
    public sealed class FailoverEventLogTests
    {
        [Fact]
        public void ConcurrentWritersKeepEveryEventInTimeOrder()
        {
            var clock = new FailoverClock();
            var log = new FailoverEventLog(clock);

            Parallel.For(0, 8, worker =>
            {
                for (var i = 0; i < 500; i++)
                {
                    log.Add(FailoverEventKind.Note, $"node-{worker}", $"event {i}");
                }
            });

            var events = log.Snapshot();
            Assert.Equal(4000, events.Count);
            Assert.True(events.Zip(events.Skip(1), (a, b) => a.Elapsed <= b.Elapsed && a.Time <= b.Time).All(ordered => ordered));
            Assert.All(events, e => Assert.Equal(clock.Anchor + e.Elapsed, e.Time));
        }

        [Fact]
        public void FirstFindsTheEarliestEventOfAKindAfterATime()
        {
            var log = new FailoverEventLog(new FailoverClock());
            var fault = log.Add(FailoverEventKind.FaultInjected, "node-1", "kill -9 patroni and postgres");
            var first = log.Add(FailoverEventKind.LeaderChanged, "node-2", "new leader node-2");
            log.Add(FailoverEventKind.LeaderChanged, "node-3", "new leader node-3");

            Assert.Same(first, log.First(FailoverEventKind.LeaderChanged, fault.Time));
            Assert.Null(log.First(FailoverEventKind.HaproxySwitched));
            Assert.Contains("node-2: new leader node-2", first.ToString());
        }
    }
}
