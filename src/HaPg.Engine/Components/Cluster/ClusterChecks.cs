using System.Collections.Generic;
using System.Linq;
using HaPg.Components.Haproxy;
using HaPg.Components.Patroni;
using HaPg.Components.Postgres;
using HaPg.Inventory;

namespace HaPg.Components.Cluster
{
    /// <summary>Judges a <see cref="ClusterSnapshot"/>: the checks a runbook or a Pester suite asserts on.</summary>
    public static class ClusterChecks
    {
        public const string OneLeader = "OneLeader";
        public const string ReplicaStreaming = "ReplicaStreaming";
        public const string HaproxyPrimary = "HaproxyRoutesWritesToLeader";
        public const string HaproxyReplicas = "HaproxyRoutesReadsToReplicas";
        public const string EtcdHealthy = "EtcdHealthy";
        public const string DistroPostgresDisabled = "DistroPostgresDisabled";
        public const string PgHbaClosed = "PgHbaNotOpenToWorld";
        public const string SafeFileModes = "SafeFileModes";
        public const string VipHeldOnce = "VipHeldOnce";
        public const string VipServesWrites = "VipServesWrites";

        /// <summary>
        /// Replicas that fail only on lag: streaming, lag known but above the bound. Patroni's lag compares the leader's position
        /// with the replica's as each last reported it, up to a loop apart, so right after a WAL segment switch (a replica's
        /// base backup ends with one) it can read a whole segment (16 MB) for a replica that is in fact caught up.
        /// </summary>
        public static IReadOnlyList<string> LaggingOnly(ClusterSnapshot snapshot, long maxLagBytes) =>
            snapshot.Members.Where(m => !m.IsLeader && m.LagBytes is long lag && lag > maxLagBytes
                                        && snapshot.Nodes.TryGetValue(m.Name, out var facts) && facts.WalReceiver == "streaming")
                .Select(m => m.Name).OrderBy(n => n, System.StringComparer.Ordinal).ToList();

        public static IReadOnlyList<ClusterCheck> Evaluate(HaPgInventory inventory, ClusterSnapshot snapshot, long maxLagBytes)
        {
            var checks = new List<ClusterCheck>();
            var leaders = snapshot.Members.Where(m => m.IsLeader).ToList();
            var leader = snapshot.Leader?.Name;
            checks.Add(new ClusterCheck(OneLeader, leader ?? inventory.ClusterName, leaders.Count == 1,
                snapshot.Members.Count == 0 ? "no database node's Patroni answered"
                    : $"{leaders.Count} leader(s): {string.Join(", ", leaders.Select(l => l.Name))}"));

            foreach (var node in inventory.NodesWithRole(HaPgRole.Postgres).Where(n => n.Name != leader))
            {
                var member = snapshot.Member(node.Name);
                snapshot.Nodes.TryGetValue(node.Name, out var facts);
                var streaming = member is not null && facts?.WalReceiver == "streaming" && member.LagBytes is long lag && lag <= maxLagBytes;
                var repair = snapshot.RepairReason(node.Name);
                checks.Add(new ClusterCheck(ReplicaStreaming, node.Name, streaming, member is null
                    ? "not a member of the cluster"
                    : $"role {member.Role}, state {member.State}, wal receiver '{facts?.WalReceiver}', lag {member.LagBytes?.ToString() ?? "unknown"} bytes (bound {maxLagBytes})"
                      + (ReplicaRepair.IsDivergence(repair) ? $"; {repair}: Repair-HaPgReplica -Node {node.Name}" : string.Empty)));
            }

            var replicas = snapshot.RunningReplicas.Select(m => m.Name).OrderBy(n => n).ToList();
            foreach (var proxy in inventory.NodesWithRole(HaPgRole.Haproxy))
            {
                snapshot.Haproxy.TryGetValue(proxy.Name, out var servers);
                servers ??= new List<HaproxyServerStatus>();
                var primaryUp = servers.Where(s => s.Proxy == HaproxyConfig.PrimaryProxy && s.IsUp).Select(s => s.Server).ToList();
                checks.Add(new ClusterCheck(HaproxyPrimary, proxy.Name, leader is not null && primaryUp.SequenceEqual(new[] { leader }),
                    $"UP on {inventory.Ports.HaproxyPrimary}: {Names(primaryUp)}; leader: {leader ?? "none"}"));
                var replicasUp = servers.Where(s => s.Proxy == HaproxyConfig.ReplicasProxy && s.IsUp).Select(s => s.Server).OrderBy(n => n).ToList();
                checks.Add(new ClusterCheck(HaproxyReplicas, proxy.Name, replicasUp.Count > 0 && replicasUp.SequenceEqual(replicas),
                    $"UP on {inventory.Ports.HaproxyReplica}: {Names(replicasUp)}; running replicas: {Names(replicas)}"));
            }

            var unhealthy = snapshot.Etcd.Where(e => e.Healthy != true).Select(e => e.Node ?? e.Endpoint).ToList();
            checks.Add(new ClusterCheck(EtcdHealthy, string.Join(",", inventory.NodesWithRole(HaPgRole.Etcd).Select(n => n.Name)),
                snapshot.Etcd.Count > 0 && unhealthy.Count == 0,
                snapshot.Etcd.Count == 0 ? "no etcd member answered" : unhealthy.Count == 0 ? $"{snapshot.Etcd.Count} member(s) healthy" : "unhealthy: " + string.Join(", ", unhealthy)));

            foreach (var node in inventory.NodesWithRole(HaPgRole.Postgres))
            {
                if (!snapshot.Nodes.TryGetValue(node.Name, out var facts))
                {
                    checks.Add(new ClusterCheck(DistroPostgresDisabled, node.Name, false, "node could not be read"));
                    continue;
                }

                var autostart = facts.DistroStartConf.Where(s => !s.EndsWith("=disabled", System.StringComparison.Ordinal)).ToList();
                checks.Add(new ClusterCheck(DistroPostgresDisabled, node.Name, facts.DistroUnit != "enabled" && autostart.Count == 0,
                    $"postgresql.service {facts.DistroUnit}; distro clusters: {(facts.DistroStartConf.Count == 0 ? "none" : string.Join(", ", facts.DistroStartConf))}"));

                var open = PgHbaChecker.CheckText(facts.PgHba);
                checks.Add(new ClusterCheck(PgHbaClosed, node.Name, facts.PgHba.Length > 0 && open.Count == 0,
                    facts.PgHba.Length == 0 ? "pg_hba.conf not found" : open.Count == 0 ? "every entry is scram-sha-256 from named hosts" : string.Join("; ", open)));

                var wrong = facts.FileModes.Where(f => !(f.Contains(" 600 postgres:postgres") || f.Contains(" 700 postgres:postgres"))).ToList();
                checks.Add(new ClusterCheck(SafeFileModes, node.Name, facts.FileModes.Count > 0 && wrong.Count == 0,
                    string.Join("; ", facts.FileModes)));
            }

            if (inventory.VirtualIP is not null)
            {
                var proxies = string.Join(",", inventory.NodesWithRole(HaPgRole.Haproxy).Select(n => n.Name));
                var holders = snapshot.VirtualIPHolders;
                checks.Add(new ClusterCheck(VipHeldOnce, holders.Count == 1 ? holders[0] : proxies, holders.Count == 1,
                    $"{inventory.VirtualIP} held by {(holders.Count == 0 ? "no node" : string.Join(" and ", holders))}" +
                    (holders.Count > 1 ? ": two nodes answer for one address (VRRP split brain)" : string.Empty)));
                var server = snapshot.VirtualIPWriteServer is string address
                    ? inventory.Nodes.FirstOrDefault(n => NetworkSyntax.TryParseIp(n.Address, out var ip) && ip.ToString() == address)?.Name ?? address
                    : null;
                checks.Add(new ClusterCheck(VipServesWrites, server ?? proxies, server is not null && server == leader,
                    server is null
                        ? $"no transaction through {inventory.VirtualIP.Split('/')[0]}:{inventory.Ports.HaproxyPrimary}: {snapshot.VirtualIPWriteError}"
                        : $"a transaction through {inventory.VirtualIP.Split('/')[0]}:{inventory.Ports.HaproxyPrimary} ran on {server}; leader: {leader ?? "none"}"));
            }

            if (snapshot.Tls.Count > 0)
            {
                checks.AddRange(TlsChecks.Evaluate(inventory, snapshot, System.DateTimeOffset.UtcNow));
            }

            return checks;
        }

        private static string Names(IReadOnlyCollection<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);
    }
}
