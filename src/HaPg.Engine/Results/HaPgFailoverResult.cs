using System;
using System.Collections.Generic;
using HaPg.Failover;

namespace HaPg.Results
{
    /// <summary>One failover scenario: what happened to the cluster and to the writes going through HAProxy.</summary>
    public sealed class HaPgFailoverResult : HaPgResult
    {
        public HaPgFailoverScenario Scenario { get; set; }
        public string OldLeader { get; set; } = string.Empty;
        public string NewLeader { get; set; } = string.Empty;
        public int? TimelineBefore { get; set; }
        public int? TimelineAfter { get; set; }

        /// <summary>Longest stretch without an acknowledged write after the fault; null if writes did not recover.</summary>
        public TimeSpan? WriteDowntime { get; set; }

        public TimeSpan? TimeToNewLeader { get; set; }
        public TimeSpan? TimeToHaproxySwitch { get; set; }
        public int AcknowledgedWrites { get; set; }

        /// <summary>Acknowledged writes missing after recovery.</summary>
        public int LostWrites { get; set; }
        public long[] LostIds { get; set; } = Array.Empty<long>();

        /// <summary>Rows read back that were never attempted or were definitely not committed.</summary>
        public int UnexpectedWrites { get; set; }
        public long[] UnexpectedIds { get; set; } = Array.Empty<long>();

        /// <summary>Writes whose outcome the client could not know (timeout, connection lost after sending).</summary>
        public int UnknownWrites { get; set; }

        public bool SplitBrainObserved { get; set; }
        public bool OldLeaderRejoined { get; set; }

        /// <summary>From the fault to the old leader streaming again as a replica.</summary>
        public TimeSpan? OldLeaderRejoinTime { get; set; }

        /// <summary>Replicas whose timeline history is not the leader's, which cannot follow it until Repair-HaPgReplica rebuilds them.</summary>
        public string[] DivergedReplicas { get; set; } = Array.Empty<string>();

        public bool Passed { get; set; }
        public List<FailoverEvent> Events { get; set; } = new List<FailoverEvent>();
    }
}
