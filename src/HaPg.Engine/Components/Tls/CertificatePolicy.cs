using System.Collections.Generic;
using System;
using System.Linq;
using System.Net;

namespace HaPg.Components.Tls
{
    /// <summary>When a node's deployed certificate must be replaced.</summary>
    public static class CertificatePolicy
    {
        /// <summary>A certificate that ends within this is renewed.</summary>
        public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

        /// <summary>
        /// Null when the deployed certificate may stay; else a short reason: "not issued by the cluster CA", "is a CA
        /// certificate, not a node's", "does not match
        /// its key" (only when <paramref name="deployedKeyPem"/> is given), "expires 2027-01-05, within 30 days",
        /// "expired 2027-01-05", "not valid before ...", "SANs lack 10.0.0.5". The first that applies wins, in that order.
        /// </summary>
        public static string? RenewReason(CertificateInfo deployed, ClusterCa ca, string nodeName, string address, DateTimeOffset now,
            string? deployedKeyPem = null, IReadOnlyCollection<string>? extraNames = null)
        {
            if (!ca.IsIssuerOf(deployed))
            {
                return "not issued by the cluster CA";
            }

            if (deployed.IsCa)
            {
                return "is a CA certificate, not a node's";
            }

            if (deployedKeyPem is not null && !KeyMatches(deployed, deployedKeyPem))
            {
                return "does not match its key";
            }

            var ends = deployed.NotAfter.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            if (deployed.NotAfter <= now)
            {
                return $"expired {ends}";
            }

            if (deployed.NotAfter - now <= RenewBefore)
            {
                return $"expires {ends}, within {RenewBefore.TotalDays:0} days";
            }

            if (deployed.NotBefore > now)
            {
                return $"not valid before {deployed.NotBefore.UtcDateTime:yyyy-MM-dd HH:mm} UTC";
            }

            var (dnsNames, ips) = ClusterCa.ExpectedNames(nodeName, address, extraNames);
            var missing = dnsNames.Where(n => !deployed.DnsNames.Contains(n, StringComparer.OrdinalIgnoreCase))
                .Concat(ips.Where(ip => !deployed.IpAddresses.Any(d => IPAddress.TryParse(d, out var have) && have.Equals(ip))).Select(ip => ip.ToString()))
                .ToList();
            return missing.Count > 0 ? "SANs lack " + string.Join(", ", missing) : null;
        }

        /// <summary>
        /// True when the private key's public part is the certificate's key. A key HaPg cannot read (not PEM, encrypted,
        /// another algorithm) does not match: false, not an error.
        /// </summary>
        public static bool KeyMatches(CertificateInfo certificate, string privateKeyPem)
        {
            if (certificate.PublicKey is null)
            {
                return false;
            }

            try
            {
                using var key = PrivateKeyReader.Read(privateKeyPem);
                return key.PublicKey.Encode().SequenceEqual(certificate.PublicKey.Encode());
            }
            catch (HaPgValidationException)
            {
                return false;
            }
        }
    }
}
