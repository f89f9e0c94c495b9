using System;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using HaPg.Components.Common;
using HaPg.Inventory;
using HaPg.Steps;

namespace HaPg.Components.Keepalived
{
    /// <summary>
    /// /etc/keepalived/keepalived.conf: one VRRP instance over the Haproxy nodes that keeps the inventory's virtual IP on one
    /// of them. Unicast peers (many clouds drop multicast), every node BACKUP with nopreempt (the address never flaps back),
    /// a vrrp_script that puts a node whose haproxy is not running into FAULT so it gives the address up, and VRRP's simple
    /// authentication with the generated VRRP password.
    /// </summary>
    public static class KeepalivedConfig
    {
        public const string FilePath = "/etc/keepalived/keepalived.conf";
        public const string TrackScript = "hapg_haproxy";
        public const string HaproxyCheck = "/usr/bin/systemctl is-active --quiet haproxy.service";

        /// <summary>
        /// Seconds between adverts by default; a backup takes over 3 adverts (plus a skew of at most 0.01 s here) after the
        /// last. VRRPv2, which carries the password, counts adverts in whole seconds; a shorter interval needs VRRPv3, which
        /// carries no authentication (RFC 5798 dropped it: a password sent in clear in every advert protects nothing).
        /// </summary>
        public const double DefaultAdvertSeconds = 1;

        /// <summary>The highest priority a non-owner may have; each Haproxy node in inventory order gets one less.</summary>
        public const int TopPriority = 254;

        /// <summary>The interface that carries the node's own address, as `ip -o -4 addr show to ADDRESS` prints it (field 2).</summary>
        public static string InterfaceCommand(HaPgNode node) => "ip -o -4 addr show to " + NetAddress.NodeIp(node);

        /// <summary>The interface name from <see cref="InterfaceCommand"/>'s output ("2: eth0    inet 10.0.0.14/24 ..."), or null.</summary>
        public static string? ParseInterface(string output)
        {
            var fields = (output ?? string.Empty).Split(new[] { ' ', '\t', '\n' }, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2 || !fields[0].EndsWith(":", StringComparison.Ordinal)) return null;
            var name = fields[1].Split('@')[0].TrimEnd(':');
            return Names.IsPlain(name) ? name : null;
        }

        /// <summary>Whether a node holds the address, from `ip -o -4 addr show to VIP` (empty when not).</summary>
        public static string HoldsCommand(HaPgInventory inventory) => "ip -o -4 addr show to " + Address(inventory);

        public static IPAddress Address(HaPgInventory inventory)
        {
            if (!NetworkSyntax.TryParseHostInNetwork(inventory.VirtualIP, out var address, out _, out var reason))
            {
                throw new HaPgValidationException(InventoryErrorIds.InvalidVirtualIP, $"Virtual IP '{inventory.VirtualIP}' is not valid: {reason}.", inventory,
                    System.Management.Automation.ErrorCategory.InvalidArgument);
            }

            return address;
        }

        /// <summary>A VRRP router id (1-255) of the cluster's own, stable across runs: the same name always gives the same id.</summary>
        public static int RouterIdFor(string clusterName)
        {
            unchecked
            {
                uint hash = 2166136261;
                foreach (var c in clusterName ?? string.Empty)
                {
                    hash = (hash ^ c) * 16777619;
                }

                return (int)(hash % 255) + 1;
            }
        }

        /// <summary>Whether an advert interval needs VRRPv3 (and so goes without authentication): below a second, or not whole.</summary>
        public static bool NeedsVersion3(double advertSeconds) => advertSeconds < 1 || Math.Abs(advertSeconds - Math.Round(advertSeconds)) > 1e-9;

        public static DesiredFile Render(HaPgInventory inventory, HaPgNode node, string networkInterface, string vrrpPassword, int? routerId = null,
            double advertSeconds = DefaultAdvertSeconds)
        {
            if (advertSeconds < 0.1 || advertSeconds > 10)
            {
                throw new HaPgValidationException("HaPg.Keepalived.InvalidAdvertInterval", $"Node '{node.Name}': the advert interval must be 0.1 to 10 s.", node,
                    System.Management.Automation.ErrorCategory.InvalidArgument);
            }

            Names.RequirePlain(node.Name, "Node name", node); // router_id carries it
            var version3 = NeedsVersion3(advertSeconds);
            var proxies = inventory.NodesWithRole(HaPgRole.Haproxy).ToList();
            if (!node.HasRole(HaPgRole.Haproxy))
            {
                throw new HaPgValidationException("HaPg.Keepalived.NotAHaproxyNode", $"Node '{node.Name}' has no Haproxy role.", node,
                    System.Management.Automation.ErrorCategory.InvalidArgument);
            }

            if (!Names.IsPlain(networkInterface))
            {
                throw new HaPgValidationException("HaPg.Keepalived.InvalidInterface", $"Node '{node.Name}': interface '{networkInterface}' is not a plain name.", node,
                    System.Management.Automation.ErrorCategory.InvalidArgument);
            }

            if (vrrpPassword.Length == 0 || vrrpPassword.Length > HaPgSecrets.VrrpPasswordLength || !vrrpPassword.All(char.IsLetterOrDigit))
            {
                throw new HaPgValidationException("HaPg.Keepalived.InvalidPassword",
                    $"Node '{node.Name}': the VRRP password must be 1 to {HaPgSecrets.VrrpPasswordLength} letters or digits.", node,
                    System.Management.Automation.ErrorCategory.InvalidArgument);
            }

            var vip = Address(inventory);
            NetworkSyntax.TryParseHostInNetwork(inventory.VirtualIP, out _, out var prefix, out _);
            var id = routerId ?? RouterIdFor(inventory.ClusterName);
            string N(int value) => value.ToString(CultureInfo.InvariantCulture);

            var sb = new StringBuilder();
            sb.Append("# Managed by HaPg for node ").Append(HeaderText.Of(node.Name)).Append(" of cluster ").Append(HeaderText.Of(inventory.ClusterName)).Append(".\n");
            sb.Append("global_defs {\n");
            sb.Append("\trouter_id hapg_").Append(node.Name).Append('\n');
            sb.Append("\tenable_script_security\n");
            sb.Append("\tscript_user root\n");
            // Re-announce the address now and then, so a switch that missed the takeover's gratuitous ARP learns it.
            sb.Append("\tvrrp_garp_master_refresh 60\n");
            sb.Append("}\n\n");
            sb.Append("vrrp_script ").Append(TrackScript).Append(" {\n");
            sb.Append("\tscript \"").Append(HaproxyCheck).Append("\"\n");
            sb.Append("\tinterval 1\n");
            sb.Append("\ttimeout 2\n");
            sb.Append("\tfall 2\n");
            sb.Append("\trise 2\n");
            sb.Append("}\n\n");
            sb.Append("vrrp_instance hapg_").Append(inventory.ClusterName).Append(" {\n");
            sb.Append("\tstate BACKUP\n");
            sb.Append("\tnopreempt\n");
            sb.Append("\tinterface ").Append(networkInterface).Append('\n');
            sb.Append("\tvirtual_router_id ").Append(N(id)).Append('\n');
            sb.Append("\tpriority ").Append(N(TopPriority - proxies.FindIndex(n => n.Name == node.Name))).Append('\n');
            if (version3) sb.Append("\tversion 3\n");
            sb.Append("\tadvert_int ").Append(advertSeconds.ToString("0.##", CultureInfo.InvariantCulture)).Append('\n');
            sb.Append("\tunicast_src_ip ").Append(NetAddress.NodeIp(node)).Append('\n');
            sb.Append("\tunicast_peer {\n");
            foreach (var peer in proxies.Where(n => n.Name != node.Name))
            {
                sb.Append("\t\t").Append(NetAddress.NodeIp(peer)).Append('\n');
            }

            sb.Append("\t}\n");
            if (!version3)
            {
                sb.Append("\tauthentication {\n");
                sb.Append("\t\tauth_type PASS\n");
                sb.Append("\t\tauth_pass ").Append(vrrpPassword).Append('\n');
                sb.Append("\t}\n");
            }
            sb.Append("\tvirtual_ipaddress {\n");
            sb.Append("\t\t").Append(vip).Append('/').Append(N(prefix)).Append(" dev ").Append(networkInterface).Append('\n');
            sb.Append("\t}\n");
            sb.Append("\ttrack_script {\n");
            sb.Append("\t\t").Append(TrackScript).Append('\n');
            sb.Append("\t}\n");
            sb.Append("}\n");
            return new DesiredFile(FilePath, sb.ToString(), "0600", "root", "root", containsSecrets: true, validateCommand: "keepalived -t -f {0}");
        }

        /// <summary>The VRRP password of a deployed keepalived.conf (its auth_pass), so a re-run keeps the one the nodes share.</summary>
        public static string? ReadPassword(string deployedConfig)
        {
            foreach (var raw in (deployedConfig ?? string.Empty).Split('\n'))
            {
                var line = raw.Trim();
                if (line.StartsWith("auth_pass ", StringComparison.Ordinal))
                {
                    return line.Substring("auth_pass ".Length).Trim();
                }
            }

            return null;
        }
    }
}
