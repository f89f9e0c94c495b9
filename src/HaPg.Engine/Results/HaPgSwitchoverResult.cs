namespace HaPg.Results
{
    /// <summary>Invoke-HaPgSwitchover's result: who led, who leads now, and how long it took.</summary>
    public sealed class HaPgSwitchoverResult : HaPgResult
    {
        public string OldLeader { get; set; } = string.Empty;
        public string NewLeader { get; set; } = string.Empty;
        public long? TimelineBefore { get; set; }
        public long? TimelineAfter { get; set; }
    }
}
