using System.Collections.Generic;
using HaPg.Components.Firewall;

namespace HaPg.Results
{
    /// <summary>Set-HaPgFirewall's result for one node.</summary>
    public sealed class HaPgFirewallResult : HaPgResult
    {
        /// <summary>nftables (HaPg's own table inet hapg) or ufw.</summary>
        public string Backend { get; set; } = string.Empty;

        public List<FirewallRule> Rules { get; set; } = new List<FirewallRule>();
    }
}
