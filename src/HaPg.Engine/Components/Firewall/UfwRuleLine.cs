using System.Linq;
using System.Net;
using System.Text.RegularExpressions;

namespace HaPg.Components.Firewall
{
    /// <summary>
    /// One rule as `ufw status verbose` or `ufw status numbered` prints it (ufw's backend formats "%-26s %-12s%-26s%s%s": To,
    /// action and direction, From, attributes, " # comment"). To is "[address ]ports[/proto][ (app)][ (v6)][ on iface]" or
    /// "Anywhere"; when both ports are any, a protocol is shown on From instead ("10.0.0.15/vrrp").
    /// </summary>
    public sealed class UfwRuleLine
    {
        private static readonly Regex Line = new Regex(
            @"^(?:\[\s*(?<number>\d+)\]\s+)?(?<to>\S.*?)\s+(?<action>ALLOW|DENY|REJECT|LIMIT)(?: (?<direction>IN|OUT|FWD))?\s+(?<from>\S.*?)\s*(?:#\s?(?<comment>.*?))?\s*$",
            RegexOptions.CultureInvariant);

        private static readonly Regex PortSpec = new Regex(@"^(?<ports>\d+(?::\d+)?(?:,\d+(?::\d+)?)*)(?:/(?<proto>[a-z0-9]+))?$", RegexOptions.CultureInvariant);

        private UfwRuleLine(int? number, string to, string action, string direction, string from, string comment)
        {
            Number = number;
            To = to;
            Action = action;
            Direction = direction;
            From = from;
            Comment = comment;
        }

        /// <summary>The rule's number in `ufw status numbered`, else null.</summary>
        public int? Number { get; }
        public string To { get; }
        public string Action { get; }

        /// <summary>IN, OUT, FWD, or empty (plain `ufw status` leaves IN out).</summary>
        public string Direction { get; }
        public string From { get; }
        public string Comment { get; }

        public bool IsIncoming => Direction == "IN" || Direction.Length == 0;

        /// <summary>The rule's ports ("22", "6000:6007", "80,443"), null for every port, empty when ufw shows an application's name instead.</summary>
        public string? Ports => ParseTo().Ports;

        /// <summary>tcp, udp, vrrp, ..., or "any".</summary>
        public string Protocol => ParseTo().Protocol ?? FromProtocol ?? "any";

        /// <summary>The source without ufw's decorations: "any", an address or a network; /32 and /128 left out.</summary>
        public string Source
        {
            get
            {
                var from = StripDecorations(From);
                if (FromProtocol is not null)
                {
                    from = from.Substring(0, from.LastIndexOf('/'));
                }

                return from.StartsWith("Anywhere", System.StringComparison.Ordinal) ? FirewallPlan.Anywhere : NormalizeSource(from);
            }
        }

        /// <summary>Parses a rule line; null for any other line (status, defaults, headers).</summary>
        public static UfwRuleLine? Parse(string line)
        {
            var match = Line.Match(line.TrimEnd('\r'));
            if (!match.Success)
            {
                return null;
            }

            int? number = match.Groups["number"].Success ? int.Parse(match.Groups["number"].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
            return new UfwRuleLine(number, match.Groups["to"].Value, match.Groups["action"].Value, match.Groups["direction"].Value,
                match.Groups["from"].Value, match.Groups["comment"].Value);
        }

        /// <summary>Whether the rule admits TCP to <paramref name="port"/> from some source.</summary>
        public bool AllowsTcpPort(int port)
        {
            if ((Action != "ALLOW" && Action != "LIMIT") || !IsIncoming || (Protocol != "tcp" && Protocol != "any"))
            {
                return false;
            }

            return Ports is null || Ports.Split(new[] { ',' }, System.StringSplitOptions.RemoveEmptyEntries).Any(range =>
            {
                var bounds = range.Split(':').Select(int.Parse).ToArray();
                return port >= bounds[0] && port <= bounds[bounds.Length - 1];
            });
        }

        /// <summary>"10.0.0.12/32" and "10.0.0.12" alike, IPv6 in its canonical form; "any" stays.</summary>
        public static string NormalizeSource(string source)
        {
            if (source == FirewallPlan.Anywhere)
            {
                return source;
            }

            var slash = source.IndexOf('/');
            var address = slash < 0 ? source : source.Substring(0, slash);
            var prefix = slash < 0 ? null : source.Substring(slash + 1);
            if (!IPAddress.TryParse(address, out var ip))
            {
                return source;
            }

            var hostPrefix = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "128" : "32";
            return prefix is null || prefix == hostPrefix ? ip.ToString() : ip + "/" + prefix;
        }

        private string? FromProtocol
        {
            get
            {
                var from = StripDecorations(From);
                var slash = from.LastIndexOf('/');
                return slash > 0 && from.Substring(slash + 1).All(char.IsLetter) ? from.Substring(slash + 1) : null;
            }
        }

        private (string? Ports, string? Protocol) ParseTo()
        {
            var to = StripDecorations(To);
            var last = to.Split(' ').Last();
            var spec = PortSpec.Match(last);
            if (spec.Success)
            {
                return (spec.Groups["ports"].Value, spec.Groups["proto"].Success ? spec.Groups["proto"].Value : null);
            }

            // "Anywhere", "Anywhere/tcp", or a destination address alone: every port. Anything else (an application
            // profile's name, as plain `ufw status` shows it) is no port HaPg can tell: an empty list.
            var slash = last.LastIndexOf('/');
            var protocol = slash > 0 && last.Substring(slash + 1).All(char.IsLetter) ? last.Substring(slash + 1) : null;
            var target = protocol is null ? last : last.Substring(0, slash);
            var address = target.Split('/')[0];
            return target == "Anywhere" || IPAddress.TryParse(address, out _) ? (null, protocol) : (string.Empty, protocol);
        }

        /// <summary>Drops " on iface", " (app)", " (v6)" and attributes such as " (log)".</summary>
        private static string StripDecorations(string column)
        {
            var text = Regex.Replace(column, @" on \S+", string.Empty);
            text = Regex.Replace(text, @"\s*\([^)]*\)", string.Empty);
            return text.Trim();
        }
    }
}
