namespace HaPg.Components.Etcd
{
    /// <summary>One etcd endpoint as etcdctl reports it. Null fields were not reported (e.g. unreachable member).</summary>
    public sealed class EtcdMemberStatus
    {
        /// <summary>The inventory node the endpoint belongs to, when known.</summary>
        public string? Node { get; set; }
        public string Endpoint { get; set; } = string.Empty;
        public bool? Healthy { get; set; }
        public string? Version { get; set; }
        public bool? IsLeader { get; set; }
        public long? DbSizeBytes { get; set; }
        public string? MemberId { get; set; }
        public long? RaftTerm { get; set; }
        public string? Error { get; set; }

        public override string ToString() => $"{Node ?? Endpoint} healthy={Healthy} leader={IsLeader} version={Version}";
    }
}
