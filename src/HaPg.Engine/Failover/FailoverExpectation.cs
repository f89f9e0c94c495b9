namespace HaPg.Failover
{
    /// <summary>What a scenario's fault must do to the cluster: elect a new leader, move the virtual IP, or change nothing.</summary>
    public sealed class FailoverExpectation
    {
        /// <summary>A new leader, and writes back through HAProxy; writes may fail meanwhile.</summary>
        public static readonly FailoverExpectation NewLeader = new FailoverExpectation(nameof(NewLeader), true, false, true);

        /// <summary>The virtual IP on another HAProxy node, the leader unchanged; writes may fail meanwhile.</summary>
        public static readonly FailoverExpectation VirtualIPMove = new FailoverExpectation(nameof(VirtualIPMove), false, true, true);

        /// <summary>The fault held and nothing changed: the same leader, and not one write failed.</summary>
        public static readonly FailoverExpectation NoChange = new FailoverExpectation(nameof(NoChange), false, false, false);

        private readonly string name;

        private FailoverExpectation(string name, bool changesLeader, bool movesVirtualIP, bool writesMayFail)
        {
            this.name = name;
            ChangesLeader = changesLeader;
            MovesVirtualIP = movesVirtualIP;
            WritesMayFail = writesMayFail;
        }

        public bool ChangesLeader { get; }
        public bool MovesVirtualIP { get; }
        public bool WritesMayFail { get; }

        public override string ToString() => name;
    }
}
