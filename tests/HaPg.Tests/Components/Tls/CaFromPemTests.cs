using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaPg.Components.Tls;
using Xunit;
using static HaPg.Tests.Components.Tls.TlsAssert;

namespace HaPg.Tests.Components.Tls
{
    /// <summary>CAs someone brings, made by .NET's own CertificateRequest, in each key format HaPg reads.</summary>
    public class CaFromPemTests
    {
        private static X509Certificate2 SelfSigned(AsymmetricAlgorithm key, string subject, bool isCa = true,
            X509KeyUsageFlags usage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign)
        {
            var request = key is RSA rsa
                ? new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                : new CertificateRequest(subject, (ECDsa)key, HashAlgorithmName.SHA384);
            if (isCa)
            {
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
                request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
            }

            return request.CreateSelfSigned(Now.AddDays(-1), Now.AddYears(5));
        }

        public static TheoryData<string> KeyFormats => new TheoryData<string> { "ec-pkcs8", "ec-sec1", "p384-pkcs8", "rsa-pkcs1", "rsa-pkcs8" };

        [Theory]
        [MemberData(nameof(KeyFormats))]
        public void ABroughtCaIssuesCertificatesThatChainToIt(string format)
        {
            using AsymmetricAlgorithm key = format.StartsWith("rsa", StringComparison.Ordinal) ? RSA.Create(2048)
                : ECDsa.Create(format.StartsWith("p384", StringComparison.Ordinal) ? ECCurve.NamedCurves.nistP384 : ECCurve.NamedCurves.nistP256);
            using var certificate = SelfSigned(key, "CN=Example CA, O=Example, C=DE");
            var keyPem = format switch
            {
                "ec-sec1" => ((ECDsa)key).ExportECPrivateKeyPem(),
                "rsa-pkcs1" => ((RSA)key).ExportRSAPrivateKeyPem(),
                _ => key.ExportPkcs8PrivateKeyPem(),
            };

            var ca = ClusterCa.FromPem(certificate.ExportCertificatePem(), keyPem);
            var issued = ca.Issue("node-1", "10.0.0.5", Now);

            Assert.True(ca.HasKey);
            Assert.Equal("CN=Example CA, O=Example, C=DE", ca.Info.Subject);
            Assert.Equal(certificate.Subject, ca.Info.Subject);
            Assert.Equal(ca.Info.Subject, issued.Info.Issuer);
            Assert.True(ChainBuilds(issued.CertificatePem, ca.CertificatePem));
            Assert.True(ca.IsIssuerOf(issued.Info));
            HoldsItsKey(ca.CertificatePem, ca.PrivateKeyPem!);
            HoldsItsKey(issued.CertificatePem, issued.PrivateKeyPem);
            Assert.Equal(key is RSA ? "1.2.840.113549.1.1.11" : key.KeySize == 384 ? "1.2.840.10045.4.3.3" : "1.2.840.10045.4.3.2", Load(issued.CertificatePem).SignatureAlgorithm.Value);
        }

        [Fact]
        public void ACertificateThatIsNoCaIsRefused()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var leaf = SelfSigned(key, "CN=leaf", isCa: false);
            using var noSigning = SelfSigned(key, "CN=almost", usage: X509KeyUsageFlags.DigitalSignature);

            Assert.Equal(TlsErrorIds.NotACa, Assert.Throws<HaPgValidationException>(() => ClusterCa.FromPem(leaf.ExportCertificatePem(), null)).ErrorId);
            Assert.Equal(TlsErrorIds.NotACa, Assert.Throws<HaPgValidationException>(() => ClusterCa.FromPem(noSigning.ExportCertificatePem(), null)).ErrorId);
            Assert.Equal(TlsErrorIds.NotACa, Assert.Throws<HaPgValidationException>(
                () => ClusterCa.FromPem(ClusterCa.Generate("pg", Now).Issue("node-1", "10.0.0.1", Now).CertificatePem, null)).ErrorId);
        }

        [Fact]
        public void AnotherKeyIsRefused()
        {
            var ca = ClusterCa.Generate("pg", Now);
            var other = ClusterCa.Generate("pg", Now);
            using var rsa = RSA.Create(2048);

            Assert.Equal(TlsErrorIds.KeyMismatch, Assert.Throws<HaPgValidationException>(() => ClusterCa.FromPem(ca.CertificatePem, other.PrivateKeyPem)).ErrorId);
            Assert.Equal(TlsErrorIds.KeyMismatch, Assert.Throws<HaPgValidationException>(() => ClusterCa.FromPem(ca.CertificatePem, rsa.ExportRSAPrivateKeyPem())).ErrorId);
        }

        [Fact]
        public void AnEncryptedOrForeignKeyIsRefusedWithoutQuotingIt()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var certificate = SelfSigned(key, "CN=Example CA");
            var encrypted = key.ExportEncryptedPkcs8PrivateKeyPem("secret", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000));
            var foreign = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";

            foreach (var pem in new[] { encrypted, foreign, certificate.ExportCertificatePem() })
            {
                var ex = Assert.Throws<HaPgValidationException>(() => ClusterCa.FromPem(certificate.ExportCertificatePem(), pem));
                Assert.Equal(TlsErrorIds.UnsupportedKey, ex.ErrorId);
                Assert.DoesNotContain(pem.Split('\n')[1], ex.Message);
            }
        }

        [Theory]
        [InlineData("")]
        [InlineData("not pem at all")]
        [InlineData("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")]
        [InlineData("-----BEGIN CERTIFICATE-----\nMIIBAA==\n-----END CERTIFICATE-----\n")]
        [InlineData("-----BEGIN PRIVATE KEY-----\nMIIBAA==\n-----END PRIVATE KEY-----\n")]
        public void GarbageIsInvalidPem(string text)
        {
            Assert.Equal(TlsErrorIds.InvalidPem, Assert.Throws<HaPgValidationException>(() => ClusterCa.FromPem(text, null)).ErrorId);
            Assert.Equal(TlsErrorIds.InvalidPem, Assert.Throws<HaPgValidationException>(() => CertificateInfo.Parse(text)).ErrorId);
        }

        [Fact]
        public void AGarbageKeyIsInvalidPem()
        {
            var ca = ClusterCa.Generate("pg", Now);
            foreach (var key in new[] { "nonsense", "-----BEGIN PRIVATE KEY-----\nMIIBAA==\n-----END PRIVATE KEY-----\n" })
            {
                Assert.Equal(TlsErrorIds.InvalidPem, Assert.Throws<HaPgValidationException>(() => ClusterCa.FromPem(ca.CertificatePem, key)).ErrorId);
            }
        }

        [Fact]
        public void ParsingReadsWhatDotNetWrote()
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=db1, OU=Ops, O=Example", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("db1.example.org");
            san.AddIpAddress(System.Net.IPAddress.Parse("fd00::1"));
            san.AddEmailAddress("ops@example.org");
            san.AddIpAddress(System.Net.IPAddress.Parse("192.0.2.7"));
            request.CertificateExtensions.Add(san.Build());
            using var certificate = request.CreateSelfSigned(new DateTimeOffset(2051, 1, 2, 3, 4, 5, TimeSpan.Zero), new DateTimeOffset(2052, 1, 2, 3, 4, 5, TimeSpan.Zero));

            var info = CertificateInfo.Parse("junk before\n" + certificate.ExportCertificatePem() + "\n" + ClusterCa.Generate("x", Now).CertificatePem);

            Assert.Equal("CN=db1, OU=Ops, O=Example", info.Subject);
            Assert.Equal(info.Subject, info.Issuer);
            Assert.Equal(new[] { "db1.example.org" }, info.DnsNames);
            Assert.Equal(new[] { "fd00::1", "192.0.2.7" }, info.IpAddresses);
            // Whole bytes, as openssl prints them: a leading zero byte goes, a leading zero nibble stays ("097E...").
            var serial = certificate.SerialNumber;
            while (serial.Length > 2 && serial.StartsWith("00", StringComparison.Ordinal)) serial = serial.Substring(2);
            Assert.Equal(serial, info.SerialHex);
            Assert.Equal(new DateTimeOffset(2051, 1, 2, 3, 4, 5, TimeSpan.Zero), info.NotBefore);
            Assert.Equal(new DateTimeOffset(2052, 1, 2, 3, 4, 5, TimeSpan.Zero), info.NotAfter);
            Assert.False(info.IsCa);
            Assert.True(CertificatePolicy.KeyMatches(info, key.ExportPkcs8PrivateKeyPem()));
            Assert.True(CertificatePolicy.KeyMatches(info, key.ExportRSAPrivateKeyPem()));
        }
    }
}
