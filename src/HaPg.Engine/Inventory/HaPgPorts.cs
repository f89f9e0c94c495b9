namespace HaPg.Inventory
{
    /// <summary>The TCP ports of the cluster's services.</summary>
    public sealed class HaPgPorts
    {
        public int Postgres { get; set; } = 5432;
        public int PatroniRest { get; set; } = 8008;
        public int EtcdClient { get; set; } = 2379;
        public int EtcdPeer { get; set; } = 2380;
        public int HaproxyPrimary { get; set; } = 5000;
        public int HaproxyReplica { get; set; } = 5001;
        public int HaproxyStats { get; set; } = 7000;

        public HaPgPorts Clone() => (HaPgPorts)MemberwiseClone();
    }
}
