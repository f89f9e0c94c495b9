using System.Linq;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using HaPg.Inventory;
using Npgsql;

namespace HaPg.Components.Tls
{
    /// <summary>
    /// How HaPg's own PostgreSQL clients (the failover writer and prober, the virtual IP probe) check the server: TLS required,
    /// the certificate chaining to the cluster CA and naming the host dialled (what libpq calls verify-full). The check is
    /// HaPg's own callback rather than Npgsql's Root Certificate, whose netstandard build (the one the module loads) also asks
    /// for revocation data that a private CA does not publish.
    /// </summary>
    public static class PostgresClientTls
    {
        /// <summary>The check against the session's CA; HaPg.Tls.NoCa when the session holds none.</summary>
        public static RemoteCertificateValidationCallback For(HaPgInventory inventory) =>
            Against(inventory.Secrets.CaCertificatePem ?? throw new HaPgValidationException(TlsErrorIds.NoCa,
                "This session holds no cluster CA certificate to verify PostgreSQL with; the installing cmdlets read it from the nodes, " +
                "or Import-HaPgInventory -SecretsPath brings it.", inventory, System.Management.Automation.ErrorCategory.SecurityError));

        public static RemoteCertificateValidationCallback Against(string caPem)
        {
            var ca = new X509Certificate2(CertificateInfo.Parse(caPem).GetRawData());
            return (_, certificate, _, errors) => Verify(ca, certificate, errors);
        }

        /// <summary>TLS required; the server's certificate is then judged by the callback on the connection.</summary>
        public static void Require(NpgsqlConnectionStringBuilder builder) => builder.SslMode = SslMode.Require;

        public static bool Verify(X509Certificate2 ca, X509Certificate? certificate, SslPolicyErrors errors)
        {
            if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
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
                   && chain.ChainStatus.All(s => s.Status == X509ChainStatusFlags.NoError || s.Status == X509ChainStatusFlags.UntrustedRoot);
        }
    }
}
