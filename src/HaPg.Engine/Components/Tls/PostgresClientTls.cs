using System.Linq;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using HaPg.Inventory;
using Npgsql;

namespace HaPg.Components.Tls
{
    /// <summary>
    /// How HaPg's own PostgreSQL clients (the failover writer and prober, the virtual IP probe) check the server: TLS required,
    /// the certificate chaining to the cluster CA and naming the host dialled (what libpq calls verify-full). The check is
    /// HaPg's own callback, names included: Npgsql's netstandard build (the one the module loads) reports a name mismatch for
    /// an IP address its certificate does name, and its Root Certificate check asks for revocation data a private CA does not
    /// publish.
    /// </summary>
    public static class PostgresClientTls
    {
        /// <summary>The check against the session's CA; HaPg.Tls.NoCa when the session holds none.</summary>
        /// <summary>The check of a server dialled at <paramref name="host"/> against the session's CA; HaPg.Tls.NoCa when the session holds none.</summary>
        public static RemoteCertificateValidationCallback For(HaPgInventory inventory, string host) =>
            Against(inventory.Secrets.CaCertificatePem ?? throw new HaPgValidationException(TlsErrorIds.NoCa,
                "This session holds no cluster CA certificate to verify PostgreSQL with; the installing cmdlets read it from the nodes, " +
                "or Import-HaPgInventory -SecretsPath brings it.", inventory, System.Management.Automation.ErrorCategory.SecurityError), host);

        public static RemoteCertificateValidationCallback Against(string caPem, string host)
        {
            var ca = new X509Certificate2(CertificateInfo.Parse(caPem).GetRawData());
            return (_, certificate, _, errors) => Verify(ca, host, certificate, errors);
        }

        /// <summary>TLS required; the server's certificate is then judged by the callback on the connection.</summary>
        public static void Require(NpgsqlConnectionStringBuilder builder) => builder.SslMode = SslMode.Require;

        public static bool Verify(X509Certificate2 ca, string host, X509Certificate? certificate, SslPolicyErrors errors)
        {
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
            chain.ChainPolicy.ExtraStore.Add(ca);
            var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
            if (!chain.Build(leaf) || chain.ChainElements.Count < 2)
            {
                return false;
            }

            // The root must be the cluster CA itself (its bytes), not merely a certificate of the same name.
            var root = chain.ChainElements[chain.ChainElements.Count - 1].Certificate;
            return root.RawData.SequenceEqual(ca.RawData)
                   && chain.ChainStatus.All(s => s.Status == X509ChainStatusFlags.NoError || s.Status == X509ChainStatusFlags.UntrustedRoot)
                   && Names(CertificateInfo.FromDer(leaf.RawData), host);
        }

        /// <summary>Whether the certificate's SANs name <paramref name="host"/>: an IP address among its addresses, else a DNS name (no wildcards).</summary>
        public static bool Names(CertificateInfo certificate, string host) =>
            IPAddress.TryParse(host, out var ip)
                ? certificate.IpAddresses.Any(a => IPAddress.TryParse(a, out var named) && named.Equals(ip))
                : certificate.DnsNames.Contains(host, System.StringComparer.OrdinalIgnoreCase);
    }
}
