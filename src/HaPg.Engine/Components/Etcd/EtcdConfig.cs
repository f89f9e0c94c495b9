using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using HaPg.Components.Common;
using HaPg.Components.Tls;
using HaPg.Inventory;
using HaPg.Steps;

namespace HaPg.Components.Etcd
{
    /// <summary>
    /// /etc/default/etcd for each etcd member: HTTPS only, on the node address and loopback (never 0.0.0.0), with the node's
    /// certificate for clients and peers, and a certificate of the cluster CA required from both.
    /// </summary>
    public static class EtcdConfig
    {
        public const string FilePath = "/etc/default/etcd";
        public const string ServiceName = "etcd";

        /// <summary>The data directory the Debian/Ubuntu package's own single-member "default" cluster uses.</summary>
        public const string PackageDefaultDataDir = "/var/lib/etcd/default";

        /// <summary>
        /// Member-count rules: none is an error (HaPg.Etcd.InvalidMemberCount), as is more than 7; an even count is a
        /// warning (HaPg.Etcd.EvenMemberCount) because it tolerates no more failures than one member less. Every
        /// member needs a plain name (it becomes ETCD_NAME) and a literal IP.
        /// </summary>
        public static IReadOnlyList<ValidationIssue> Validate(HaPgInventory inventory)
        {
            var issues = new List<ValidationIssue>();
            var members = inventory.NodesWithRole(HaPgRole.Etcd).ToList();
            if (members.Count == 0 || members.Count > 7)
            {
                issues.Add(new ValidationIssue("HaPg.Etcd.InvalidMemberCount", IssueSeverity.Error,
                    $"The cluster has {members.Count} etcd members; HaPg supports 1, 3 or 5 (at most 7).", inventory));
            }
            else if (members.Count % 2 == 0)
            {
                issues.Add(new ValidationIssue("HaPg.Etcd.EvenMemberCount", IssueSeverity.Warning,
                    $"The cluster has {members.Count} etcd members; an even count tolerates no more failures than {members.Count - 1}.",
                    inventory));
            }

            foreach (var member in members)
            {
                if (!Names.IsPlain(member.Name))
                {
                    issues.Add(new ValidationIssue("HaPg.Components.InvalidName", IssueSeverity.Error,
                        $"Node '{ControlCharacters.Safe(member.Name)}': an etcd member name must be letters, digits, '-', '_' or '.'.", member));
                }

                if (!System.Net.IPAddress.TryParse(member.Address, out _))
                {
                    issues.Add(new ValidationIssue("HaPg.Components.AddressNotIp", IssueSeverity.Error,
                        $"Node '{ControlCharacters.Safe(member.Name)}': etcd needs a literal IP address, not '{ControlCharacters.Safe(member.Address)}'.", member));
                }
            }

            return issues;
        }

        /// <summary>Data directory of HaPg's cluster; a fresh one, so the package's default member never leaks in.</summary>
        public static string DataDir(HaPgInventory inventory) => "/var/lib/etcd/" + inventory.ClusterName;

        /// <summary>Stable per cluster: a member of another cluster with the same names cannot join by mistake.</summary>
        public static string ClusterToken(HaPgInventory inventory) => "hapg-" + inventory.ClusterName;

        /// <summary>Client URLs of all members, for Patroni's etcd3.hosts and etcdctl --endpoints.</summary>
        public static IReadOnlyList<string> ClientHostPorts(HaPgInventory inventory) =>
            inventory.NodesWithRole(HaPgRole.Etcd).Select(n => NetAddress.HostPort(n, inventory.Ports.EtcdClient)).ToList();

        public static DesiredFile Render(HaPgInventory inventory, HaPgNode member)
        {
            Validate(inventory).ThrowIfAnyError();
            Names.RequirePlain(inventory.ClusterName, "Cluster name", inventory);
            if (!member.HasRole(HaPgRole.Etcd))
            {
                throw new HaPgValidationException("HaPg.Etcd.NotAMember", $"Node '{member.Name}' has no Etcd role.", member,
                    System.Management.Automation.ErrorCategory.InvalidArgument);
            }

            var ports = inventory.Ports;
            string Url(HaPgNode n, int port) => "https://" + NetAddress.HostPort(n, port);
            var initialCluster = string.Join(",",
                inventory.NodesWithRole(HaPgRole.Etcd).Select(n => n.Name + "=" + Url(n, ports.EtcdPeer)));

            var sb = new StringBuilder();
            sb.Append("# Managed by HaPg for node ").Append(HeaderText.Of(member.Name)).Append(" of cluster ").Append(HeaderText.Of(inventory.ClusterName)).Append(".\n");
            void Line(string key, string value) => sb.Append(key).Append("=\"").Append(value).Append("\"\n");
            Line("ETCD_NAME", member.Name);
            Line("ETCD_DATA_DIR", DataDir(inventory));
            Line("ETCD_LISTEN_PEER_URLS", Url(member, ports.EtcdPeer));
            Line("ETCD_LISTEN_CLIENT_URLS", Url(member, ports.EtcdClient) + ",https://127.0.0.1:" + ports.EtcdClient.ToString(CultureInfo.InvariantCulture));
            Line("ETCD_INITIAL_ADVERTISE_PEER_URLS", Url(member, ports.EtcdPeer));
            Line("ETCD_ADVERTISE_CLIENT_URLS", Url(member, ports.EtcdClient));
            Line("ETCD_INITIAL_CLUSTER", initialCluster);
            Line("ETCD_INITIAL_CLUSTER_TOKEN", ClusterToken(inventory));
            Line("ETCD_INITIAL_CLUSTER_STATE", "new");
            var tls = TlsIdentity.Etcd;
            Line("ETCD_CERT_FILE", tls.CertificatePath);
            Line("ETCD_KEY_FILE", tls.KeyPath);
            Line("ETCD_TRUSTED_CA_FILE", TlsIdentity.CaPath);
            Line("ETCD_CLIENT_CERT_AUTH", "true");
            Line("ETCD_PEER_CERT_FILE", tls.CertificatePath);
            Line("ETCD_PEER_KEY_FILE", tls.KeyPath);
            Line("ETCD_PEER_TRUSTED_CA_FILE", TlsIdentity.CaPath);
            Line("ETCD_PEER_CLIENT_CERT_AUTH", "true");
            return new DesiredFile(FilePath, sb.ToString(), "0644", "root", "root", containsSecrets: false);
        }

        /// <summary>
        /// Removes the data of the single "default" member the package started at install. Run it with etcd stopped;
        /// HaPg's own member lives in <see cref="DataDir"/>, which this never touches.
        /// </summary>
        public static HostChange PackageDefaultMemberCleanup { get; } = new HostChange(
            "remove the package's default etcd member data",
            "test ! -e " + PackageDefaultDataDir,
            "rm -rf " + PackageDefaultDataDir);
    }
}
