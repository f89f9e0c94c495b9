using System.Collections.Generic;
using System.Linq;
using HaPg.Components.Common;
using HaPg.Inventory;

namespace HaPg.Components.Firewall
{
    /// <summary>
    /// Which sources may reach which ports, per node and by role. SSH (the node's own SSH port) always comes first
    /// and from anywhere, so HaPg's nftables table can never cut HaPg's own session (the table drops only HaPg's ports);
    /// with ufw, SSH is left to the administrator's own rule (see <see cref="UfwRules"/>).
    /// </summary>
    public static class FirewallPlan
    {
        public const string Anywhere = "any";

        public const string Ssh = "ssh";
        public const string Postgres = "postgres";
        public const string PatroniRest = "patroni-rest";
        public const string EtcdClient = "etcd-client";
        public const string EtcdPeer = "etcd-peer";
        public const string HaproxyPrimary = "haproxy-primary";
        public const string HaproxyReplicas = "haproxy-replicas";
        public const string HaproxyStats = "haproxy-stats";
        public const string Vrrp = "vrrp";

        /// <summary>The rules of every node, node by node in inventory order.</summary>
        public static IReadOnlyList<FirewallRule> ForCluster(HaPgInventory inventory) =>
            inventory.Nodes.SelectMany(n => ForNode(inventory, n)).ToList();

        /// <summary>The rules of one node; SSH first.</summary>
        public static IReadOnlyList<FirewallRule> ForNode(HaPgInventory inventory, HaPgNode node)
        {
            var ports = inventory.Ports;
            var databaseNodes = Cidrs(inventory.NodesWithRole(HaPgRole.Postgres));
            var haproxyNodes = Cidrs(inventory.NodesWithRole(HaPgRole.Haproxy));
            var etcdMembers = Cidrs(inventory.NodesWithRole(HaPgRole.Etcd));
            var dbAndProxies = databaseNodes.Concat(haproxyNodes).Distinct().ToList();

            var rules = new List<FirewallRule> { new FirewallRule(node.Name, Ssh, node.Port, new[] { Anywhere }) };
            foreach (var port in HaPgPorts.Catalogue.Where(p => node.HasRole(p.Role)))
            {
                (string Service, IReadOnlyList<string> Sources) rule = port.Name switch
                {
                    // Clients may also connect directly, as pg_hba allows them (PgHba lists the client networks).
                    nameof(HaPgPorts.Postgres) => (Postgres,
                        dbAndProxies.Concat(inventory.ClientNetworks.Count > 0 ? ClientSources(inventory) : new List<string>()).Distinct().ToList()),
                    nameof(HaPgPorts.PatroniRest) => (PatroniRest, dbAndProxies),
                    nameof(HaPgPorts.EtcdClient) => (EtcdClient, databaseNodes.Concat(etcdMembers).Distinct().ToList()),
                    nameof(HaPgPorts.EtcdPeer) => (EtcdPeer, etcdMembers),
                    nameof(HaPgPorts.HaproxyPrimary) => (HaproxyPrimary, ClientSources(inventory)),
                    nameof(HaPgPorts.HaproxyReplica) => (HaproxyReplicas, ClientSources(inventory)),
                    nameof(HaPgPorts.HaproxyStats) => (HaproxyStats, ClientSources(inventory)),
                    _ => throw new System.InvalidOperationException($"The firewall has no rule for the {port.Service} port ({port.Name})."),
                };
                rules.Add(new FirewallRule(node.Name, rule.Service, port.Get(ports), rule.Sources));
            }

            if (node.HasRole(HaPgRole.Haproxy))
            {
                var peers = inventory.NodesWithRole(HaPgRole.Haproxy).Where(n => n.Name != node.Name).Select(NetAddress.HostCidr).Distinct().ToList();
                if (inventory.VirtualIP is not null && peers.Count > 0)
                {
                    // keepalived's unicast adverts (IP protocol 112) from the other HAProxy nodes only: a stranger's advert could take the address.
                    rules.Add(new FirewallRule(node.Name, Vrrp, FirewallRule.NoPort, peers, FirewallRule.VrrpProtocol));
                }
            }

            var clash = rules.Where(r => r.Port != FirewallRule.NoPort).GroupBy(r => r.Port).FirstOrDefault(g => g.Count() > 1);
            if (clash is not null)
            {
                throw new HaPgValidationException("HaPg.Firewall.PortConflict",
                    $"Node '{node.Name}': port {clash.Key} is used by {string.Join(" and ", clash.Select(r => r.Service))}.",
                    node, System.Management.Automation.ErrorCategory.InvalidArgument);
            }

            return rules;
        }

        /// <summary>
        /// Who may use HAProxy (5000/5001/7000): the inventory's ClientNetworks. When none are given, only the
        /// cluster's own nodes (/32 each): a safe default that opens nothing beyond the cluster until the
        /// administrator names the application networks.
        /// </summary>
        public static IReadOnlyList<string> ClientSources(HaPgInventory inventory) =>
            inventory.ClientNetworks.Count > 0
                ? inventory.ClientNetworks.Select(NetAddress.ParseClientNetwork).Distinct().ToList()
                : Cidrs(inventory.Nodes);

        private static List<string> Cidrs(IEnumerable<HaPgNode> nodes) => nodes.Select(NetAddress.HostCidr).Distinct().ToList();
    }
}
