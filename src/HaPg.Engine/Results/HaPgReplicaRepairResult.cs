namespace HaPg.Results
{
    /// <summary>Repair-HaPgReplica's result for one replica: why it needed a repair, and whether it streams again.</summary>
    public sealed class HaPgReplicaRepairResult : HaPgResult
    {
        /// <summary>The leader the replica was copied from and follows.</summary>
        public string Leader { get; set; } = string.Empty;

        /// <summary>Why it was reinitialized, or "streaming" when it needed nothing.</summary>
        public string Reason { get; set; } = string.Empty;

        public long? TimelineBefore { get; set; }
        public long? LeaderTimeline { get; set; }
    }
}
