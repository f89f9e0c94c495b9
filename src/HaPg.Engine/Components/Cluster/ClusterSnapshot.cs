using System.Collections.Generic;
using HaPg.Components.Etcd;
using HaPg.Components.Haproxy;
using HaPg.Components.Patroni;
using HaPg.Components.Postgres;

namespace HaPg.Components.Cluster
{
    /// <summary>What one read of the whole cluster saw: Patroni's members, each HAProxy's servers, etcd, and per-node facts.</summary>
    public sealed class ClusterSnapshot
    {
        /// <summary>Patroni's GET /cluster, from the first database node that answered; empty if none did.</summary>
        public List<PatroniMember> Members { get; } = new List<PatroniMember>();

        /// <summary>The node whose Patroni answered.</summary>
        public string? AskedMember { get; set; }

        /// <summary>Servers by HAProxy node name.</summary>
        public Dictionary<string, List<HaproxyServerStatus>> Haproxy { get; } = new Dictionary<string, List<HaproxyServerStatus>>();

        public List<EtcdMemberStatus> Etcd { get; } = new List<EtcdMemberStatus>();

        /// <summary>With a virtual IP: the HAProxy nodes that hold it, sorted.</summary>
        public List<string> VirtualIPHolders { get; } = new List<string>();

        /// <summary>With a virtual IP: the address of the server a transaction through VIP:5000 ran on, or why it could not run.</summary>
        public string? VirtualIPWriteServer { get; set; }
        public string? VirtualIPWriteError { get; set; }

        /// <summary>Database-node facts by node name.</summary>
        public Dictionary<string, NodeFacts> Nodes { get; } = new Dictionary<string, NodeFacts>();
    }

    /// <summary>Safety facts read on one database node.</summary>
    public sealed class NodeFacts
    {
        /// <summary>pg_stat_wal_receiver.status on a replica ("streaming"), empty on the leader.</summary>
        public string WalReceiver { get; set; } = string.Empty;

        /// <summary>The pg_hba.conf Patroni wrote into the data directory.</summary>
        public string PgHba { get; set; } = string.Empty;

        /// <summary>"enabled"/"disabled"/... for postgresql.service, and each distro cluster's start.conf ("15/main=disabled").</summary>
        public string DistroUnit { get; set; } = string.Empty;
        public List<string> DistroStartConf { get; } = new List<string>();

        /// <summary>The newest timeline history in pg_wal; null when unread.</summary>
        public TimelineHistory? History { get; set; }

        /// <summary>"path mode owner:group" of config.yml and the data directory.</summary>
        public List<string> FileModes { get; } = new List<string>();
    }
}
