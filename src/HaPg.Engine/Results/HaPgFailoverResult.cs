using System;
using System.Collections.Generic;
using HaPg.Components.Patroni;

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

        /// <summary>With a virtual IP: the HAProxy node that held it before the fault and at the end; null without one.</summary>
        public string? VirtualIPHolderBefore { get; set; }
        public string? VirtualIPHolderAfter { get; set; }

        /// <summary>From the fault to the virtual IP on another node (HaproxyStop, HaproxyNodeLoss).</summary>
        public TimeSpan? TimeToVirtualIPMove { get; set; }

        /// <summary>Whether two HAProxy nodes were seen holding the virtual IP in one round: VRRP's split brain.</summary>
        public bool VirtualIPOnTwoNodes { get; set; }

        /// <summary>When the fault was injected: the origin of every relative time in the report.</summary>
        public DateTimeOffset? FaultTime { get; set; }

        /// <summary>The write downtime's ends: the last acknowledgement before it and the first after it.</summary>
        public DateTimeOffset? WriteOutageStart { get; set; }
        public DateTimeOffset? WriteOutageEnd { get; set; }

        /// <summary>
        /// Patroni's leader lease (ttl) and loop_wait, from its dynamic config: a leader that dies unannounced keeps the lock until
        /// its key expires, ttl − loop_wait to ttl after its last renewal. The physical floor of a crash's downtime.
        /// </summary>
        public TimeSpan? LeaderTtl { get; set; }
        public TimeSpan? LoopWait { get; set; }

        /// <summary>Whether Patroni ran in synchronous mode, which makes a lost write a failure.</summary>
        public bool SynchronousMode { get; set; }

        /// <summary>Every insert the writer attempted, in order.</summary>
        public WriteAttempt[] Writes { get; set; } = Array.Empty<WriteAttempt>();

        /// <summary>Patroni's members before the fault and after the restored node rejoined.</summary>
        public PatroniMember[] MembersBefore { get; set; } = Array.Empty<PatroniMember>();
        public PatroniMember[] MembersAfter { get; set; } = Array.Empty<PatroniMember>();
    }
}
