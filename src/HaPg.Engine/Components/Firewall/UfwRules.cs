using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using HaPg.Remote;

namespace HaPg.Components.Firewall
{
    /// <summary>
    /// The node's rules as ufw commands, for hosts where ufw is active. Only allows are added, each tagged with the comment
    /// 'hapg:&lt;cluster&gt;'; everyone else is refused by ufw's default incoming policy, which must be deny (or reject). SSH is
    /// left as the administrator has it: HaPg adds no SSH rule, and checks that one admits the node's SSH port. Rules tagged
    /// for this cluster that the inventory no longer wants are deleted; untagged rules, and other clusters' tags, are never touched.
    /// </summary>
    public static class UfwRules
    {
        /// <summary>Exit 0 when ufw is installed and active.</summary>
        public const string ActiveCheckCommand = "command -v ufw >/dev/null 2>&1 && ufw status | grep -q '^Status: active'";

        /// <summary>The default policies and every rule, application rules with their ports.</summary>
        public const string StatusVerboseCommand = "ufw status verbose";

        /// <summary>Every rule with its number and comment, for deletion by number.</summary>
        public const string StatusNumberedCommand = "ufw status numbered";

        public const string DefaultDenyCommand = "ufw default deny incoming";

        /// <summary>What the safety timer runs when it fires after <see cref="DefaultDenyCommand"/>.</summary>
        public const string DefaultAllowCommand = "/usr/sbin/ufw default allow incoming";

        private static readonly Regex DefaultIncomingPattern = new Regex(@"^Default: (?<policy>\w+) \(incoming\)", RegexOptions.Multiline | RegexOptions.CultureInvariant);

        /// <summary>The comment that marks a rule as this cluster's.</summary>
        public static string Tag(string clusterName) => "hapg:" + clusterName;

        /// <summary>The ufw commands that add the rules (SSH excluded), one per source.</summary>
        public static IReadOnlyList<string> Commands(IReadOnlyList<FirewallRule> rules, string clusterName) =>
            Wanted(rules).Select(w => AllowCommand(w.Rule, w.Source, clusterName)).ToList();

        public static string AllowCommand(FirewallRule rule, string source, string clusterName) =>
            rule.Port == FirewallRule.NoPort
                ? string.Format(CultureInfo.InvariantCulture, "ufw allow proto {0} from {1} comment {2}", rule.Protocol, source, ShellQuote.Quote(Tag(clusterName)))
                : string.Format(CultureInfo.InvariantCulture, "ufw allow proto {0} from {1} to any port {2} comment {3}",
                    rule.Protocol, source, rule.Port, ShellQuote.Quote(Tag(clusterName)));

        public static string DeleteCommand(int number) => string.Format(CultureInfo.InvariantCulture, "ufw --force delete {0}", number);

        /// <summary>"deny", "reject" or "allow", from `ufw status verbose`; null when it says none.</summary>
        public static string? DefaultIncoming(string statusVerbose)
        {
            var match = DefaultIncomingPattern.Match(statusVerbose);
            return match.Success ? match.Groups["policy"].Value : null;
        }

        public static bool DeniesByDefault(string statusVerbose) => DefaultIncoming(statusVerbose) is "deny" or "reject";

        /// <summary>The rule lines of a `ufw status` output.</summary>
        public static IReadOnlyList<UfwRuleLine> Parse(string status) =>
            status.Split('\n').Select(UfwRuleLine.Parse).Where(r => r is not null).Select(r => r!).ToList();

        /// <summary>Whether a rule that is not HaPg's admits TCP to the SSH port, from `ufw status verbose`.</summary>
        public static bool AllowsSsh(string statusVerbose, int sshPort, string clusterName) =>
            Parse(statusVerbose).Any(r => r.Comment != Tag(clusterName) && r.AllowsTcpPort(sshPort));

        /// <summary>
        /// What to change, from `ufw status numbered`: the numbers of this cluster's rules that are not wanted (highest first, so
        /// each deletion leaves the others' numbers alone), and the commands of the wanted rules no line has yet.
        /// </summary>
        public static (IReadOnlyList<int> Delete, IReadOnlyList<string> Add) Changes(IReadOnlyList<FirewallRule> rules, string clusterName, string statusNumbered)
        {
            var present = Parse(statusNumbered);
            var wanted = Wanted(rules).ToList();
            var wantedKeys = new HashSet<string>(wanted.Select(w => Key(w.Rule.Port, w.Rule.Protocol, w.Source)));
            var delete = present.Where(r => r.Comment == Tag(clusterName) && r.Number is not null && !wantedKeys.Contains(Key(r)))
                .Select(r => r.Number!.Value).OrderByDescending(n => n).ToList();
            var kept = new HashSet<string>(present.Where(r => r.Number is null || !delete.Contains(r.Number.Value)).Select(Key));
            var add = wanted.Where(w => !kept.Contains(Key(w.Rule.Port, w.Rule.Protocol, w.Source)))
                .Select(w => AllowCommand(w.Rule, w.Source, clusterName)).ToList();
            return (delete, add);
        }

        private static IEnumerable<(FirewallRule Rule, string Source)> Wanted(IReadOnlyList<FirewallRule> rules) =>
            rules.Where(r => r.Service != FirewallPlan.Ssh).SelectMany(r => r.Sources.Select(source => (r, source)));

        private static string Key(UfwRuleLine line) =>
            line.Action == "ALLOW" && line.IsIncoming ? $"{line.Ports ?? string.Empty}/{line.Protocol} from {line.Source}" : "other: " + line.To;

        private static string Key(int port, string protocol, string source) =>
            $"{(port == FirewallRule.NoPort ? string.Empty : port.ToString(CultureInfo.InvariantCulture))}/{protocol} from {UfwRuleLine.NormalizeSource(source)}";
    }
}
