using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace HaPg.Inventory
{
    /// <summary>Strict syntax checks for host names, IP addresses and CIDR networks. Patterns are \A...\z: '$' would pass a final newline.</summary>
    public static class NetworkSyntax
    {
        private static readonly Regex Ipv4 = new Regex(
            @"\A(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}\z",
            RegexOptions.CultureInvariant);

        private static readonly Regex HostName = new Regex(
            @"\A(?=.{1,253}\z)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\z",
            RegexOptions.CultureInvariant);

        /// <summary>A dotted-quad IPv4 address, or an IPv6 address without a zone.</summary>
        public static bool TryParseIp(string? text, out IPAddress address)
        {
            address = IPAddress.None;
            if (string.IsNullOrEmpty(text))
            {
                return false;
            }

            if (Ipv4.IsMatch(text))
            {
                address = IPAddress.Parse(text);
                return true;
            }

            return text!.IndexOf(':') >= 0 && text.IndexOf('%') < 0 && !text.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
                && IPAddress.TryParse(text, out address) && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        /// <summary>An IP address, or an RFC 1123 host name whose last label is not all digits (so 10.0.0.300 fails).</summary>
        public static bool IsValidAddress(string? text)
        {
            if (TryParseIp(text, out _))
            {
                return true;
            }

            if (text is null || !HostName.IsMatch(text))
            {
                return false;
            }

            var lastLabel = text.Substring(text.LastIndexOf('.') + 1);
            return !Regex.IsMatch(lastLabel, @"\A[0-9]+\z");
        }

        /// <summary>The form two spellings of one address share: canonical IP text, or the lower-case host name.</summary>
        public static string Normalize(string address) =>
            TryParseIp(address, out var ip) ? ip.ToString() : address.ToLowerInvariant();

        public static bool IsLoopback(string address) =>
            TryParseIp(address, out var ip) ? IPAddress.IsLoopback(ip)
                : string.Equals(address, "localhost", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// Parses a host's IPv4 address with its network's prefix, <c>10.0.0.50/24</c>: not the network's own address nor its
        /// broadcast address. Fails with a reason.
        /// </summary>
        public static bool TryParseHostInNetwork(string? text, out IPAddress address, out int prefix, out string reason)
        {
            address = IPAddress.None;
            prefix = -1;
            var parts = (text ?? string.Empty).Split('/');
            if (parts.Length != 2 || !TryParseIp(parts[0], out address) || address.AddressFamily != AddressFamily.InterNetwork)
            {
                reason = "it is not an IPv4 address with its prefix, such as 10.0.0.50/24";
                return false;
            }

            if (!Regex.IsMatch(parts[1], @"\A[0-9]{1,2}\z") || (prefix = int.Parse(parts[1])) < 1 || prefix > 32)
            {
                reason = "the prefix length must be 1 to 32";
                return false;
            }

            var value = ToUInt32(address);
            var hostMask = prefix == 32 ? 0u : uint.MaxValue >> prefix;
            if (prefix <= 30 && ((value & hostMask) == 0 || (value & hostMask) == hostMask))
            {
                reason = $"it is the network's {((value & hostMask) == 0 ? "own" : "broadcast")} address";
                return false;
            }

            reason = string.Empty;
            return true;
        }

        /// <summary>Whether an IPv4 address lies in <paramref name="network"/>/<paramref name="prefix"/>.</summary>
        public static bool InNetwork(IPAddress address, IPAddress network, int prefix)
        {
            if (address.AddressFamily != AddressFamily.InterNetwork || network.AddressFamily != AddressFamily.InterNetwork) return false;
            var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
            return (ToUInt32(address) & mask) == (ToUInt32(network) & mask);
        }

        private static uint ToUInt32(IPAddress address)
        {
            var b = address.GetAddressBytes();
            return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
        }

        /// <summary>Parses <c>address/prefix</c>. Fails with a reason when malformed or when host bits are set.</summary>
        public static bool TryParseCidr(string? text, out IPAddress network, out int prefix, out string reason)
        {
            network = IPAddress.None;
            prefix = -1;
            var parts = (text ?? string.Empty).Split('/');
            if (parts.Length != 2 || !TryParseIp(parts[0], out network))
            {
                reason = "it is not of the form address/prefix (a single host is address/32 or address/128)";
                return false;
            }

            var bits = network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            if (!Regex.IsMatch(parts[1], @"\A[0-9]{1,3}\z") || (prefix = int.Parse(parts[1])) > bits)
            {
                reason = $"the prefix length must be 0 to {bits}";
                return false;
            }

            var bytes = network.GetAddressBytes();
            var masked = (byte[])bytes.Clone();
            for (var i = 0; i < masked.Length; i++)
            {
                var keep = Math.Max(0, Math.Min(8, prefix - (i * 8)));
                masked[i] &= (byte)(0xFF << (8 - keep));
            }

            var networkAddress = new IPAddress(masked);
            if (!networkAddress.Equals(network))
            {
                reason = $"host bits are set; did you mean {networkAddress}/{prefix}?";
                return false;
            }

            reason = string.Empty;
            return true;
        }
    }
}
