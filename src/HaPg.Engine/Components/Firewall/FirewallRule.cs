using System.Collections.Generic;

namespace HaPg.Components.Firewall
{
    /// <summary>One inbound allowance on a node: who (Sources) may reach which service port.</summary>
    public sealed class FirewallRule
    {
        /// <summary>The port of a rule for a protocol without ports (VRRP).</summary>
        public const int NoPort = 0;

        /// <summary>VRRP, IP protocol 112 (keepalived).</summary>
        public const string VrrpProtocol = "vrrp";
        public const int VrrpProtocolNumber = 112;

        public FirewallRule(string node, string service, int port, IReadOnlyList<string> sources, string protocol = "tcp")
        {
            Node = node;
            Service = service;
            Port = port;
            Protocol = protocol;
            Sources = sources;
        }

        public string Node { get; }
        public string Service { get; }
        public int Port { get; }
        public string Protocol { get; }

        /// <summary>The protocol as nft matches it without /etc/protocols: VRRP by number.</summary>
        public string ProtocolNumberOrName =>
            Protocol == VrrpProtocol ? VrrpProtocolNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) : Protocol;

        /// <summary>CIDRs (nodes as /32 or /128), or <see cref="FirewallPlan.Anywhere"/>.</summary>
        public IReadOnlyList<string> Sources { get; }

        public bool FromAnywhere => Sources.Count == 1 && Sources[0] == FirewallPlan.Anywhere;

        public override string ToString() =>
            $"{Node} {Service} {(Port == NoPort ? Protocol : $"{Port}/{Protocol}")} from {string.Join(", ", Sources)}";
    }
}
