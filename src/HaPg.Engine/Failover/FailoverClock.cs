using System;
using System.Diagnostics;

namespace HaPg.Failover
{
    /// <summary>
    /// One time base for a failover test: a wall-clock anchor advanced by a monotonic stopwatch, so that the
    /// writer, the prober and the event log agree on order and durations even if the system clock jumps.
    /// </summary>
    public sealed class FailoverClock
    {
        private readonly Stopwatch stopwatch = Stopwatch.StartNew();

        public FailoverClock() => Anchor = DateTimeOffset.UtcNow;

        /// <summary>Wall-clock time when the clock was created.</summary>
        public DateTimeOffset Anchor { get; }

        /// <summary>Monotonic time since the anchor.</summary>
        public TimeSpan Elapsed => stopwatch.Elapsed;

        public DateTimeOffset Now => Anchor + stopwatch.Elapsed;
    }
}
