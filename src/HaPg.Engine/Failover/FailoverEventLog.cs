using System;
using System.Collections.Generic;
using System.Linq;
using HaPg.Results;

namespace HaPg.Failover
{
    /// <summary>Thread-safe, append-only timeline of a failover test; filled by the cmdlet, the writer and the prober.</summary>
    public sealed class FailoverEventLog
    {
        private readonly object gate = new object();
        private readonly List<FailoverEvent> events = new List<FailoverEvent>();
        private readonly FailoverClock clock;

        public FailoverEventLog(FailoverClock clock) => this.clock = clock ?? throw new ArgumentNullException(nameof(clock));

        public FailoverEvent Add(FailoverEventKind kind, string node, string message)
        {
            lock (gate)
            {
                // Stamped under the lock, so the list is in time order.
                var elapsed = clock.Elapsed;
                var entry = new FailoverEvent(clock.Anchor + elapsed, elapsed, kind, node, message);
                events.Add(entry);
                return entry;
            }
        }

        /// <summary>A copy of the events so far, oldest first.</summary>
        public IReadOnlyList<FailoverEvent> Snapshot()
        {
            lock (gate)
            {
                return events.ToArray();
            }
        }

        /// <summary>The first event of a kind, optionally only among those at or after a time.</summary>
        public FailoverEvent? First(FailoverEventKind kind, DateTimeOffset? notBefore = null) =>
            Snapshot().FirstOrDefault(e => e.Kind == kind && (notBefore is null || e.Time >= notBefore));
    }
}
