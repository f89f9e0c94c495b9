using System;
using System.Collections.Generic;
using System.Linq;

namespace HaPg.Failover
{
    public enum FailoverEventKind
    {
        FaultInjected,
        FaultHealed,
        LeaderChanged,
        HaproxySwitched,
        WritesFailing,
        WritesRecovered,
        MemberRejoined,
        SplitBrain,
        VirtualIPMoved,
        Note,
    }

    /// <summary>One timestamped step of a failover test, named by the node (or endpoint) it concerns.</summary>
    public sealed class FailoverEvent
    {
        public FailoverEvent(DateTimeOffset time, TimeSpan elapsed, FailoverEventKind kind, string node, string message)
        {
            Time = time;
            Elapsed = elapsed;
            Kind = kind;
            Node = node;
            Message = message;
        }

        public DateTimeOffset Time { get; }

        /// <summary>Monotonic time since the test's clock started.</summary>
        public TimeSpan Elapsed { get; }

        public FailoverEventKind Kind { get; }
        public string Node { get; }
        public string Message { get; }

        public override string ToString() => $"{Elapsed.TotalSeconds,8:F3}s {Node}: {Message}";
    }

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
