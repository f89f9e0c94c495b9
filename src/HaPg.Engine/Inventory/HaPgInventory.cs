using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security;

namespace HaPg.Inventory
{
    /// <summary>The whole cluster: its nodes, names, ports and how HaPg reaches and authenticates to them.</summary>
    public sealed class HaPgInventory
    {
        public const string DefaultNamespace = "/service/";

        /// <summary>Patroni scope.</summary>
        public string ClusterName { get; set; } = "hapg";

        /// <summary>Patroni namespace (etcd key prefix).</summary>
        public string Namespace { get; set; } = DefaultNamespace;

        /// <summary>PostgreSQL major version; null means the distro's default.</summary>
        public int? PostgresVersion { get; set; }

        public HaPgPorts Ports { get; set; } = new HaPgPorts();

        public List<HaPgNode> Nodes { get; set; } = new List<HaPgNode>();

        /// <summary>Networks (CIDR) allowed to reach PostgreSQL and HAProxy as clients.</summary>
        public List<string> ClientNetworks { get; set; } = new List<string>();

        /// <summary>
        /// An IPv4 address with its prefix (10.0.0.50/24) that keepalived (VRRP) keeps on one healthy Haproxy node, for clients
        /// to connect to; null for none.
        /// </summary>
        public string? VirtualIP { get; set; }

        /// <summary>Default sudo mode; null means none for root, a password when SudoPassword is set, else passwordless.</summary>
        public SudoMode? Sudo { get; set; }

        /// <summary>OpenSSH known_hosts file; null means ~/.ssh/known_hosts.</summary>
        public string? KnownHostsPath { get; set; }

        /// <summary>SSH credential (password or key passphrase). Runtime only, never serialized.</summary>
        public PSCredential? Credential { get; set; }

        /// <summary>sudo password. Runtime only, never serialized.</summary>
        public SecureString? SudoPassword { get; set; }

        /// <summary>Generated cluster passwords. Runtime only, never serialized.</summary>
        public HaPgSecrets Secrets { get; set; } = new HaPgSecrets();

        public IEnumerable<HaPgNode> NodesWithRole(HaPgRole role) => Nodes.Where(n => n.HasRole(role));

        public HaPgNode? FindNode(string name) =>
            Nodes.FirstOrDefault(n => string.Equals(n.Name, name, System.StringComparison.OrdinalIgnoreCase));

        public SudoMode SudoFor(HaPgNode node) =>
            node.Sudo ?? (node.User == "root" ? SudoMode.None
                : Sudo ?? (SudoPassword is null ? SudoMode.Passwordless : SudoMode.Password));

        public override string ToString() => $"{ClusterName} ({Nodes.Count} nodes)";
    }
}
