using System.Collections.Generic;
using System.Linq;
using System.Text;
using HaPg.Components.Common;
using HaPg.Inventory;
using HaPg.Remote;
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

        /// <summary>What the marker comment starts with; the SHA-256 of the file without the marker follows.</summary>
        public const string MarkerPrefix = "hapg:sha256:";

        /// <summary>Lists the loaded table (exit 1 when there is none).</summary>
        public const string ListCommand = "nft list table inet " + TableName;

        private const string MarkerSlot = "{marker}";

        /// <summary>
        /// The file. Its first rule carries a comment naming the SHA-256 of the rest, which nft list table shows back: the loaded table
        /// is the wanted one when it carries that marker and as many rule comments as the file (every rule has one). Rule comments are
        /// kept by every nft and kernel HaPg supports; table and chain comments need nftables 0.9.7 and Linux 5.10.
        /// </summary>
        public static string RenderText(IReadOnlyList<FirewallRule> rules)
        {
            var text = RenderWithSlot(rules);
            return text.Replace(MarkerSlot, MarkerPrefix + RemoteHostExtensions.Sha256Hex(text.Replace(MarkerSlot, string.Empty)));
        }

        /// <summary>The marker comment of a rendered file.</summary>
        public static string MarkerOf(string renderedText)
        {
            var start = renderedText.IndexOf(MarkerPrefix, System.StringComparison.Ordinal);
            return renderedText.Substring(start, renderedText.IndexOf('"', start) - start);
        }

        /// <summary>Whether <paramref name="listing"/> (nft list table's output, or null when there is no table) is the table of <paramref name="renderedText"/>.</summary>
        public static bool IsLoaded(string? listing, string renderedText)
        {
            if (listing is null || !listing.Contains($"comment \"{MarkerOf(renderedText)}\""))
            {
                return false;
            }

            var table = renderedText.Substring(renderedText.IndexOf($"table inet {TableName} {{", System.StringComparison.Ordinal));
            return RuleComments(listing) == RuleComments(table);
        }

        private static int RuleComments(string text) => text.Split('\n').Count(l => l.Contains(" comment \""));

        private static string RenderWithSlot(IReadOnlyList<FirewallRule> rules)
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
            sb.Append("\t\tiif \"lo\" accept comment \"").Append(MarkerSlot).Append("\"\n");
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
