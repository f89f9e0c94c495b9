namespace HaPg.Results
{
    /// <summary>Install-HaPgEtcd's result for one member.</summary>
    public sealed class HaPgEtcdResult : HaPgResult
    {
        public string Endpoint { get; set; } = string.Empty;
        public bool Healthy { get; set; }
        public string? Version { get; set; }
        public bool IsLeader { get; set; }
        public long? DbSizeBytes { get; set; }
    }
}
