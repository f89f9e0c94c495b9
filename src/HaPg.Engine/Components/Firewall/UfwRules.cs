using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HaPg.Components.Common;
using HaPg.Remote;

namespace HaPg.Components.Firewall
{
    /// <summary>
    /// The node's rules as ufw commands, for hosts where ufw is active. SSH comes first. Only allows are added:
    /// everyone else is refused by ufw's default incoming policy, which must be deny (check it with
    /// <see cref="DefaultDenyCheckCommand"/>). ufw skips a rule that already exists, so re-running is harmless.
    /// </summary>
    public static class UfwRules
    {
        /// <summary>Exit 0 when ufw is installed and active.</summary>
        public const string ActiveCheckCommand = "command -v ufw >/dev/null 2>&1 && ufw status | grep -q '^Status: active'";

        /// <summary>Exit 0 when ufw denies incoming traffic by default.</summary>
        public const string DefaultDenyCheckCommand = "ufw status verbose | grep -q 'deny (incoming)'";

        public static IReadOnlyList<string> Commands(IReadOnlyList<FirewallRule> rules) =>
            rules.OrderBy(r => r.Service == FirewallPlan.Ssh ? 0 : 1)
                .SelectMany(r => r.Sources.Select(source => r.Port == FirewallRule.NoPort
                    ? string.Format(CultureInfo.InvariantCulture, "ufw allow proto {0} from {1} comment {2}", r.Protocol, source, ShellQuote.Quote("hapg " + r.Service))
                    : string.Format(CultureInfo.InvariantCulture, "ufw allow proto {0} from {1} to any port {2} comment {3}",
                        r.Protocol, source, r.Port, ShellQuote.Quote("hapg " + r.Service))))
                .ToList();
    }
}
