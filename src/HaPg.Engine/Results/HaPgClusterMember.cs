using HaPg.Inventory;

namespace HaPg.Results
{
    /// <summary>One Patroni member as patronictl list shows it, plus HAProxy's and etcd's view.</summary>
    public sealed class HaPgClusterMember
    {
        public string Member { get; set; } = string.Empty;
        public string? Host { get; set; }

        /// <summary>Leader, Replica or Sync Standby.</summary>
        public string Role { get; set; } = string.Empty;
        public string? State { get; set; }
        public long? Timeline { get; set; }
        public long? LagBytes { get; set; }
        public bool PendingRestart { get; set; }

        /// <summary>This member's state on the primary listener (5000), per HAProxy node: "node-5:UP".</summary>
        public string HaproxyPrimary { get; set; } = string.Empty;

        /// <summary>This member's state on the replicas listener (5001), per HAProxy node.</summary>
        public string HaproxyReplicas { get; set; } = string.Empty;

        /// <summary>etcd's health, for the whole cluster: "3/3 healthy, leader node-1".</summary>
        public string Etcd { get; set; } = string.Empty;

        public HaPgInventory? Inventory { get; set; }
    }
}
