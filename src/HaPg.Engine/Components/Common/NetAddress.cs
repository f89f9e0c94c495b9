using System.Globalization;
using System.Net;
using System.Net.Sockets;
using HaPg.Inventory;

namespace HaPg.Components.Common
{
    /// <summary>IP address and CIDR helpers shared by the firewall, pg_hba and the config renderers.</summary>
    public static class NetAddress
    {
        /// <summary>The node's address as an IP; configs and firewall rules need literal IPs, not host names.</summary>
        public static IPAddress NodeIp(HaPgNode node)
        {
            if (IPAddress.TryParse(node.Address, out var ip))
            {
                return ip;
            }

            throw new HaPgValidationException("HaPg.Components.AddressNotIp",
                $"Node '{node.Name}': address '{node.Address}' is not an IP address; cluster configs and firewall rules need literal IPs.",
                node);
        }

        /// <summary>"host:port", with brackets for IPv6.</summary>
        public static string HostPort(HaPgNode node, int port) => HostPort(NodeIp(node), port);

        public static string HostPort(IPAddress ip, int port) =>
            (ip.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + ip + "]" : ip.ToString()) + ":" +
            port.ToString(CultureInfo.InvariantCulture);

        /// <summary>The node as a single-host network: a.b.c.d/32 or x::y/128.</summary>
        public static string HostCidr(HaPgNode node) => HostCidr(NodeIp(node));

        public static string HostCidr(IPAddress ip) =>
            ip + (ip.AddressFamily == AddressFamily.InterNetworkV6 ? "/128" : "/32");

        public static bool IsIPv6Cidr(string cidr) => cidr.Contains(":");

        /// <summary>
        /// Parses a client network "a.b.c.d/nn" (or IPv6) and returns it normalized. A bare address becomes a host
        /// network. A /0 network (the whole internet) is refused: HaPg never opens a service to the world.
        /// </summary>
        public static string ParseClientNetwork(string network)
        {
            var text = (network ?? string.Empty).Trim();
            var slash = text.IndexOf('/');
            var addressPart = slash < 0 ? text : text.Substring(0, slash);
            if (!IPAddress.TryParse(addressPart, out var ip))
            {
                throw new HaPgValidationException("HaPg.Components.InvalidClientNetwork",
                    $"Client network '{network}' is not an IP network in CIDR form (e.g. 10.0.0.0/24).", network,
                    System.Management.Automation.ErrorCategory.InvalidArgument);
            }

            var maxPrefix = ip.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
            var prefix = maxPrefix;
            if (slash >= 0 && (!int.TryParse(text.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix)
                               || prefix > maxPrefix))
            {
                throw new HaPgValidationException("HaPg.Components.InvalidClientNetwork",
                    $"Client network '{network}' has an invalid prefix length.", network,
                    System.Management.Automation.ErrorCategory.InvalidArgument);
            }

            if (prefix == 0)
            {
                throw new HaPgValidationException("HaPg.Components.WorldOpenNetwork",
                    $"Client network '{network}' is the whole internet; HaPg never opens a service to /0.", network,
                    System.Management.Automation.ErrorCategory.SecurityError);
            }

            return Network(ip, prefix) + "/" + prefix.ToString(CultureInfo.InvariantCulture);
        }

        private static IPAddress Network(IPAddress ip, int prefix)
        {
            var bytes = ip.GetAddressBytes();
            for (var i = 0; i < bytes.Length; i++)
            {
                var bitsHere = System.Math.Max(0, System.Math.Min(8, prefix - (i * 8)));
                bytes[i] &= (byte)(0xFF << (8 - bitsHere));
            }

            return new IPAddress(bytes);
        }
    }
}
