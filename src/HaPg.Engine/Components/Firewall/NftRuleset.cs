using System.Collections.Generic;
using System.Linq;
using System.Text;
using HaPg.Components.Common;
using HaPg.Inventory;
using HaPg.Steps;

namespace HaPg.Components.Firewall
{
    /// <summary>
    /// The node's rules as an nftables file that owns only <c>table inet hapg</c>: a base chain with policy accept
    /// that accepts the allowed sources and drops everyone else on HaPg's managed ports. Other tables (and so
    /// other services) are never touched; SSH is never dropped. Loading it again replaces the table atomically.
    /// </summary>
    public static class NftRuleset
    {
        public const string TableName = "hapg";
        public const string FilePath = "/etc/hapg/firewall.nft";
        public const string UnitPath = "/etc/systemd/system/hapg-firewall.service";
        public const string UnitName = "hapg-firewall.service";

        /// <summary>Command that removes HaPg's table (and nothing else).</summary>
        public const string RemoveCommand = "nft delete table inet " + TableName;

        /// <summary>Exit 0 when nft is installed.</summary>
        public const string AvailableCheckCommand = "command -v nft >/dev/null 2>&1";

        public static DesiredFile Render(HaPgInventory inventory, HaPgNode node) =>
            new DesiredFile(FilePath, RenderText(FirewallPlan.ForNode(inventory, node)), "0644", "root", "root",
                containsSecrets: false, validateCommand: "nft -c -f {0}");

        public static string RenderText(IReadOnlyList<FirewallRule> rules)
        {
            var node = rules.Select(r => r.Node).FirstOrDefault() ?? string.Empty;
            var sb = new StringBuilder();
            sb.Append("#!/usr/sbin/nft -f\n");
            sb.Append("# Managed by HaPg for node ").Append(HeaderText.Of(node)).Append(". Touches only table inet ").Append(TableName).Append(".\n");
            sb.Append("# Declare, delete and re-create: loading this file again replaces the table atomically.\n");
            sb.Append("table inet ").Append(TableName).Append('\n');
            sb.Append("delete table inet ").Append(TableName).Append('\n');
            sb.Append("table inet ").Append(TableName).Append(" {\n");
            sb.Append("\tchain input {\n");
            sb.Append("\t\ttype filter hook input priority 0; policy accept;\n");
            sb.Append("\t\tiif \"lo\" accept\n");
            foreach (var rule in rules)
            {
                var match = rule.Port == FirewallRule.NoPort ? $"meta l4proto {rule.ProtocolNumberOrName}" : $"{rule.Protocol} dport {rule.Port}";
                var comment = $" comment \"{rule.Service}\"";
                if (rule.FromAnywhere)
                {
                    sb.Append("\t\t").Append(match).Append(" accept").Append(comment).Append('\n');
                    continue;
                }

                AppendAccept(sb, "ip", rule.Sources.Where(s => !NetAddress.IsIPv6Cidr(s)).ToList(), match, comment);
                AppendAccept(sb, "ip6", rule.Sources.Where(NetAddress.IsIPv6Cidr).ToList(), match, comment);
                sb.Append("\t\t").Append(match).Append(" drop").Append(comment).Append('\n');
            }

            sb.Append("\t}\n}\n");
            return sb.ToString();
        }

        /// <summary>
        /// A oneshot unit that loads the file at boot, after nftables.service (whose /etc/nftables.conf starts with
        /// "flush ruleset"), and again whenever nftables.service restarts (PartOf).
        /// </summary>
        public static DesiredFile RenderUnit() =>
            new DesiredFile(UnitPath,
                "# Managed by HaPg.\n" +
                "[Unit]\n" +
                "Description=HaPg firewall (nftables table inet " + TableName + ")\n" +
                "DefaultDependencies=no\n" +
                "Wants=network-pre.target\n" +
                "Before=network-pre.target shutdown.target\n" +
                "After=nftables.service\n" +
                "PartOf=nftables.service\n" +
                "Conflicts=shutdown.target\n" +
                "ConditionPathExists=" + FilePath + "\n" +
                "\n" +
                "[Service]\n" +
                "Type=oneshot\n" +
                "RemainAfterExit=yes\n" +
                "ExecStart=/usr/sbin/nft -f " + FilePath + "\n" +
                "ExecReload=/usr/sbin/nft -f " + FilePath + "\n" +
                "ExecStop=/usr/sbin/" + RemoveCommand + "\n" +
                "\n" +
                "[Install]\n" +
                "WantedBy=multi-user.target\n",
                "0644", "root", "root", containsSecrets: false);

        private static void AppendAccept(StringBuilder sb, string family, IReadOnlyList<string> sources, string match, string comment)
        {
            if (sources.Count > 0)
            {
                sb.Append("\t\t").Append(family).Append(" saddr { ").Append(string.Join(", ", sources)).Append(" } ")
                    .Append(match).Append(" accept").Append(comment).Append('\n');
            }
        }
    }
}
