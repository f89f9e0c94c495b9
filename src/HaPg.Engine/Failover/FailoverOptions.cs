using System;

namespace HaPg.Failover
{
    /// <summary>What a failover test may do and how long it waits.</summary>
    public sealed class FailoverOptions
    {
        public double WriteRate { get; set; } = 20;

        /// <summary>How long to wait for a new leader and for writes to come back after the fault.</summary>
        public TimeSpan RecoveryTimeout { get; set; } = TimeSpan.FromSeconds(120);

        /// <summary>How long a fault that should change nothing (replica crash, etcd member loss) is held.</summary>
        public TimeSpan FaultHold { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>How long the restored node may take to stream again.</summary>
        public TimeSpan RejoinTimeout { get; set; } = TimeSpan.FromSeconds(120);

        /// <summary>Whole-node faults (hard stop, freeze) and their way back, run on the pipeline thread with the node's name.</summary>
        public Action<string>? InjectNodeFault { get; set; }
        public Action<string>? HealNodeFault { get; set; }
    }
}
