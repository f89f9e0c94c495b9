using System.Collections.Generic;
using HaPg.Components.Haproxy;

namespace HaPg.Results
{
    /// <summary>Install-HaPgHaproxy's result for one HAProxy node, with its backends' states.</summary>
    public sealed class HaPgHaproxyResult : HaPgResult
    {
        /// <summary>The servers UP on the primary listener (5000): exactly one when healthy.</summary>
        public List<string> PrimaryUp { get; set; } = new List<string>();

        /// <summary>The servers UP on the replicas listener (5001).</summary>
        public List<string> ReplicasUp { get; set; } = new List<string>();

        public List<HaproxyServerStatus> Servers { get; set; } = new List<HaproxyServerStatus>();

        /// <summary>The inventory's virtual IP (keepalived), or null without one.</summary>
        public string? VirtualIP { get; set; }

        /// <summary>Whether this node held the virtual IP when the install finished.</summary>
        public bool HoldsVirtualIP { get; set; }
    }
}
