using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using HaPg.Inventory;

namespace HaPg.Components.Tls
{
    /// <summary>
    /// The cluster's certificate authority: its certificate always, its private key only when this session holds it.
    /// It issues each node one certificate for both TLS server and client use.
    /// </summary>
    public sealed class ClusterCa
    {
        /// <summary>How long a generated CA is valid.</summary>
        public static readonly TimeSpan Lifetime = TimeSpan.FromDays(3652);

        /// <summary>How long a node certificate is valid (never past the CA's own end).</summary>
        public static readonly TimeSpan NodeLifetime = TimeSpan.FromDays(730);

        /// <summary>How far before "now" a certificate starts, for hosts whose clocks run behind.</summary>
        public static readonly TimeSpan Backdate = TimeSpan.FromHours(1);

        private readonly SigningKey? key;

        private ClusterCa(CertificateInfo info, SigningKey? key)
        {
            Info = info;
            this.key = key;
            CertificatePem = info.ToPem();
        }

        public string CertificatePem { get; }

        public bool HasKey => key is not null;

        /// <summary>The CA's private key as unencrypted PKCS#8 PEM when <see cref="HasKey"/>; a secret.</summary>
        public string? PrivateKeyPem => key?.ToPkcs8Pem();

        /// <summary>The certificate's SHA-256, uppercase hex pairs with colons (as openssl x509 -fingerprint -sha256).</summary>
        public string Sha256Fingerprint => Info.Sha256Fingerprint;

        public CertificateInfo Info { get; }

        /// <summary>A new EC P-256 CA, "CN=HaPg &lt;cluster&gt; CA", valid <see cref="Lifetime"/>, that signs node certificates only (pathlen 0).</summary>
        public static ClusterCa Generate(string clusterName, DateTimeOffset now)
        {
            if (string.IsNullOrWhiteSpace(clusterName) || clusterName.Any(char.IsControl))
            {
                throw new HaPgValidationException(TlsErrorIds.InvalidName, "The CA needs a cluster name of printable characters.", clusterName,
                    ErrorCategory.InvalidArgument);
            }

            var key = SigningKey.NewP256();
            var name = X500Name.CommonName($"HaPg {clusterName} CA");
            var writer = new CertificateWriter
            {
                IssuerName = name,
                SubjectName = name,
                SubjectKey = key.PublicKey,
                NotBefore = now - Backdate,
                NotAfter = now + Lifetime,
                IsCa = true,
            };
            return new ClusterCa(CertificateInfo.FromDer(writer.Sign(key)), key);
        }

        /// <summary>
        /// A CA someone brings, or one saved before: its certificate and, to issue, its unencrypted private key
        /// (PKCS#8, SEC1 or PKCS#1 PEM; EC P-256/P-384/P-521 or RSA).
        /// </summary>
        public static ClusterCa FromPem(string certificatePem, string? privateKeyPem)
        {
            var info = CertificateInfo.Parse(certificatePem);
            if (!info.IsCa || !info.MayCertify)
            {
                throw new HaPgValidationException(TlsErrorIds.NotACa,
                    $"'{info.Subject}' is not a CA certificate ({(info.IsCa ? "its keyUsage lacks keyCertSign" : "no basicConstraints CA:TRUE")}).",
                    info.Subject);
            }

            if (privateKeyPem is null)
            {
                return new ClusterCa(info, null);
            }

            var key = PrivateKeyReader.Read(privateKeyPem);
            if (info.PublicKey is null || !key.PublicKey.Encode().SequenceEqual(info.PublicKey.Encode()))
            {
                key.Dispose();
                throw new HaPgValidationException(TlsErrorIds.KeyMismatch,
                    $"The private key is not the key of CA certificate '{info.Subject}' ({info.Sha256Fingerprint}).", info.Subject);
            }

            return new ClusterCa(info, key);
        }

        /// <summary>
        /// A node certificate with a new EC P-256 key: CN and dNSName the node's name (and localhost), iPAddress its address
        /// (and 127.0.0.1; a host-name address becomes a dNSName), for serverAuth and clientAuth, valid
        /// <see cref="NodeLifetime"/> but never past the CA.
        /// </summary>
        public IssuedCertificate Issue(string nodeName, string address, DateTimeOffset now) => Issue(nodeName, address, now, Array.Empty<string>());

        /// <summary>As <see cref="Issue(string, string, DateTimeOffset)"/>, also naming <paramref name="extraNames"/> (each an IP address or a host name).</summary>
        public IssuedCertificate Issue(string nodeName, string address, DateTimeOffset now, IReadOnlyCollection<string> extraNames)
        {
            if (key is null)
            {
                throw new HaPgValidationException(TlsErrorIds.CaKeyMissing,
                    $"Issuing a certificate for '{nodeName}' needs the private key of CA '{Info.Subject}', which this session does not hold.",
                    nodeName, ErrorCategory.InvalidOperation);
            }

            if (now >= Info.NotAfter)
            {
                throw new HaPgValidationException(TlsErrorIds.CaExpired,
                    $"CA '{Info.Subject}' expired {Info.NotAfter.UtcDateTime:yyyy-MM-dd HH:mm} UTC, so it cannot issue; bring a new CA.",
                    Info.Subject, ErrorCategory.InvalidOperation);
            }

            var (dnsNames, ips) = ExpectedNames(nodeName, address, extraNames);
            using var nodeKey = SigningKey.NewP256();
            var notBefore = now - Backdate;
            var notAfter = now + NodeLifetime;
            var writer = new CertificateWriter
            {
                IssuerName = Info.SubjectDer,
                SubjectName = X500Name.CommonName(nodeName),
                SubjectKey = nodeKey.PublicKey,
                NotBefore = notBefore < Info.NotBefore ? Info.NotBefore : notBefore,
                NotAfter = notAfter > Info.NotAfter ? Info.NotAfter : notAfter,
                AuthorityKeyId = Info.SubjectKeyId ?? Info.PublicKey?.KeyIdentifier(),
            };
            foreach (var name in dnsNames)
            {
                writer.DnsNames.Add(name);
            }

            foreach (var ip in ips)
            {
                writer.IpAddresses.Add(ip);
            }

            var info = CertificateInfo.FromDer(writer.Sign(key));
            return new IssuedCertificate(info.ToPem(), nodeKey.ToPkcs8Pem(), info);
        }

        /// <summary>True when the certificate names this CA as issuer (byte for byte) and its signature verifies with the CA's key.</summary>
        public bool IsIssuerOf(CertificateInfo certificate) =>
            Info.PublicKey is not null
            && certificate.IssuerDer.SequenceEqual(Info.SubjectDer)
            && Info.PublicKey.Verify(certificate.SignatureOid, certificate.TbsDer, certificate.Signature);

        public override string ToString() => $"{Info.Subject} ({Sha256Fingerprint}{(HasKey ? ", with key" : string.Empty)})";

        /// <summary>The SANs a node's certificate carries: its name and localhost; its address and 127.0.0.1.</summary>
        internal static (IReadOnlyList<string> DnsNames, IReadOnlyList<IPAddress> Ips) ExpectedNames(string nodeName, string address,
            IReadOnlyCollection<string>? extraNames = null)
        {
            if (!NameRules.IsPlain(nodeName))
            {
                throw new HaPgValidationException(TlsErrorIds.InvalidName,
                    $"'{nodeName}' cannot name a certificate: use 1 to 63 letters, digits, '.', '-' or '_'.", nodeName, ErrorCategory.InvalidArgument);
            }

            var dns = new List<string> { nodeName };
            var ips = new List<IPAddress>();
            if (IPAddress.TryParse(address, out var ip))
            {
                ips.Add(ip);
            }
            else if (NameRules.IsPlain(address) || IsHostName(address))
            {
                dns.Add(address);
            }
            else
            {
                throw new HaPgValidationException(TlsErrorIds.InvalidName,
                    $"Node '{nodeName}': address '{address}' is neither an IP address nor a host name.", nodeName, ErrorCategory.InvalidArgument);
            }

            foreach (var extra in extraNames ?? Array.Empty<string>())
            {
                if (IPAddress.TryParse(extra, out var extraIp))
                {
                    ips.Add(extraIp);
                }
                else if (IsHostName(extra))
                {
                    dns.Add(extra);
                }
                else
                {
                    throw new HaPgValidationException(TlsErrorIds.InvalidName,
                        $"Node '{nodeName}': '{extra}' is neither an IP address nor a host name.", nodeName, ErrorCategory.InvalidArgument);
                }
            }

            dns.Add("localhost");
            ips.Add(IPAddress.Loopback);
            return (dns.Distinct(StringComparer.OrdinalIgnoreCase).ToList(), ips.Distinct().ToList());
        }

        private static bool IsHostName(string? text) =>
            !string.IsNullOrEmpty(text) && text!.Length <= 253 && text.Split('.').All(NameRules.IsPlain);
    }
}
