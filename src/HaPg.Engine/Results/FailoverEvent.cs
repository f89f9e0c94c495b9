using System;

namespace HaPg.Results
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
}
