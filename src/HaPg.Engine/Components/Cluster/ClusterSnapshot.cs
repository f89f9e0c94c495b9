using System;
using System.Collections.Generic;
using System.Linq;
using HaPg.Components.Etcd;
using HaPg.Components.Haproxy;
using HaPg.Components.Patroni;
using HaPg.Components.Postgres;
using HaPg.Components.Tls;

namespace HaPg.Components.Cluster
{
    /// <summary>
    /// What one read of the cluster saw (<see cref="ClusterReader"/>): Patroni's members, each database node's facts, and,
    /// when asked, each HAProxy's servers, etcd and the virtual IP. The questions every operation asks of it (the leader, the
    /// running replicas, which replica needs a repair, which diverged) are answered here, once.
    /// </summary>
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

        /// <summary>Database-node facts by node name, for the nodes that could be read.</summary>
        public Dictionary<string, NodeFacts> Nodes { get; } = new Dictionary<string, NodeFacts>();

        /// <summary>Each node's TLS facts (with <see cref="ClusterViews.Tls"/>).</summary>
        public Dictionary<string, TlsFacts> Tls { get; } = new Dictionary<string, TlsFacts>();

        /// <summary>The leader, when Patroni reports exactly one; null when none answered, or none (or more than one) leads.</summary>
        public PatroniMember? Leader
        {
            get
            {
                var leaders = Members.Where(m => m.IsLeader).Take(2).ToList();
                return leaders.Count == 1 ? leaders[0] : null;
            }
        }

        /// <summary>The replicas that run (<see cref="PatroniMember.IsRunningReplica"/>), in Patroni's order.</summary>
        public IReadOnlyList<PatroniMember> RunningReplicas => Members.Where(m => m.IsRunningReplica).ToList();

        /// <summary>The member named <paramref name="name"/> (as Patroni spells it), or null.</summary>
        public PatroniMember? Member(string name) => Members.FirstOrDefault(m => m.Name == name);

        /// <summary>The leader's timeline history as read on it, else only Patroni's timeline number; null without a leader.</summary>
        public TimelineHistory? LeaderHistory =>
            Leader is PatroniMember leader ? ReplicaRepair.LeaderHistory(leader, Nodes.TryGetValue(leader.Name, out var facts) ? facts.History : null) : null;

        /// <summary>
        /// Why the database node <paramref name="node"/> needs a repair (<see cref="ReplicaRepair.Diagnose"/>), or null when
        /// it streams or leads. Needs the replica facts (<see cref="ClusterViews.Replicas"/>); unread, it only says "not streaming".
        /// </summary>
        public string? RepairReason(string node)
        {
            Nodes.TryGetValue(node, out var facts);
            return ReplicaRepair.Diagnose(Member(node), facts?.WalReceiver ?? string.Empty, facts?.History, LeaderHistory);
        }

        /// <summary>
        /// The replicas whose timeline history the leader's does not continue, with the reason, by name: stuck until
        /// reinitialized (Repair-HaPgReplica). Only replicas whose facts were read can be found diverged.
        /// </summary>
        public IReadOnlyDictionary<string, string> Diverged
        {
            get
            {
                var diverged = new SortedDictionary<string, string>(StringComparer.Ordinal);
                foreach (var member in Members.Where(m => !m.IsLeader))
                {
                    if (RepairReason(member.Name) is string reason && ReplicaRepair.IsDivergence(reason))
                    {
                        diverged[member.Name] = reason;
                    }
                }

                return diverged;
            }
        }
    }

    /// <summary>Facts read on one database node: its replication state and, for Test-HaPgCluster, its safety.</summary>
    public sealed class NodeFacts
    {
        /// <summary>pg_stat_wal_receiver.status on a replica ("streaming"), empty on the leader or when PostgreSQL is down.</summary>
        public string WalReceiver { get; set; } = string.Empty;

        /// <summary>The newest timeline history in pg_wal; null when unread.</summary>
        public TimelineHistory? History { get; set; }

        /// <summary>pg_postmaster_start_time() as PostgreSQL prints it; empty when PostgreSQL is down.</summary>
        public string PostmasterStart { get; set; } = string.Empty;

        /// <summary>The pg_hba.conf Patroni wrote into the data directory (<see cref="ClusterViews.Safety"/>).</summary>
        public string PgHba { get; set; } = string.Empty;

        /// <summary>"enabled"/"disabled"/... for postgresql.service, and each distro cluster's start.conf ("15/main=disabled").</summary>
        public string DistroUnit { get; set; } = string.Empty;
        public List<string> DistroStartConf { get; } = new List<string>();

        /// <summary>"path mode owner:group" of config.yml and the data directory.</summary>
        public List<string> FileModes { get; } = new List<string>();
    }
}
