using System;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaPg.Components.Tls;
using Xunit;
using static HaPg.Tests.Components.Tls.TlsAssert;

namespace HaPg.Tests.Components.Tls
{
    public class ClusterCaTests
    {
        private static readonly ClusterCa Ca = ClusterCa.Generate("pg", Now);

        [Fact]
        public void AGeneratedCaIsAP256RootThatSignsLeavesOnly()
        {
            using var certificate = Load(Ca.CertificatePem);

            Assert.Equal("CN=HaPg pg CA", certificate.Subject);
            Assert.Equal(certificate.Subject, certificate.Issuer);
            Assert.Equal("CN=HaPg pg CA", Ca.Info.Subject);
            Assert.True(Ca.Info.IsCa);
            Assert.Equal(3, certificate.Version);
            Assert.Equal("1.2.840.10045.4.3.2", certificate.SignatureAlgorithm.Value);
            using (var publicKey = certificate.GetECDsaPublicKey()!)
            {
                Assert.Equal(256, publicKey.KeySize);
            }

            var constraints = Extension<X509BasicConstraintsExtension>(certificate);
            Assert.True(constraints.Critical);
            Assert.True(constraints.CertificateAuthority);
            Assert.True(constraints.HasPathLengthConstraint);
            Assert.Equal(0, constraints.PathLengthConstraint);
            var usage = Extension<X509KeyUsageExtension>(certificate);
            Assert.True(usage.Critical);
            Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, usage.KeyUsages);
            Assert.NotEmpty(Extension<X509SubjectKeyIdentifierExtension>(certificate).SubjectKeyIdentifier!);
            Assert.Equal(Now.AddHours(-1).UtcDateTime, certificate.NotBefore.ToUniversalTime());
            Assert.Equal(Now.AddDays(3652).UtcDateTime, certificate.NotAfter.ToUniversalTime());
            Assert.Equal(certificate.NotAfter.ToUniversalTime(), Ca.Info.NotAfter.UtcDateTime);
        }

        [Fact]
        public void TheCaVerifiesItselfAndItsKeyLoadsWithIt()
        {
            Assert.True(Ca.HasKey);
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----\n", Ca.PrivateKeyPem);
            HoldsItsKey(Ca.CertificatePem, Ca.PrivateKeyPem!);
            Assert.True(Ca.IsIssuerOf(Ca.Info));
            using var certificate = Load(Ca.CertificatePem);
            Assert.Equal(certificate.GetCertHashString(HashAlgorithmName.SHA256), Ca.Sha256Fingerprint.Replace(":", string.Empty));
            Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", Ca.Sha256Fingerprint);
        }

        [Fact]
        public void AnIssuedCertificateChainsToItsCaOnly()
        {
            var issued = Ca.Issue("node-1", "10.0.0.5", Now);
            var other = ClusterCa.Generate("pg", Now);

            Assert.True(ChainBuilds(issued.CertificatePem, Ca.CertificatePem));
            Assert.False(ChainBuilds(issued.CertificatePem, other.CertificatePem));
            Assert.False(ChainBuilds(issued.CertificatePem, Ca.CertificatePem, Now.AddDays(731)));
            Assert.True(Ca.IsIssuerOf(issued.Info));
            Assert.False(other.IsIssuerOf(issued.Info));
        }

        [Fact]
        public void AnIssuedCertificateCarriesTheNodesNamesAndServesBothEnds()
        {
            var issued = Ca.Issue("node-1", "10.0.0.5", Now);
            using var certificate = Load(issued.CertificatePem);

            Assert.Equal("CN=node-1", certificate.Subject);
            Assert.Equal("CN=HaPg pg CA", certificate.Issuer);
            var san = Extension<X509SubjectAlternativeNameExtension>(certificate);
            Assert.Equal(new[] { "node-1", "localhost" }, san.EnumerateDnsNames());
            Assert.Equal(new[] { IPAddress.Parse("10.0.0.5"), IPAddress.Loopback }, san.EnumerateIPAddresses());
            Assert.Equal(new[] { "node-1", "localhost" }, issued.Info.DnsNames);
            Assert.Equal(new[] { "10.0.0.5", "127.0.0.1" }, issued.Info.IpAddresses);
            var eku = Extension<X509EnhancedKeyUsageExtension>(certificate).EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value);
            Assert.Equal(new[] { "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2" }, eku);
            var usage = Extension<X509KeyUsageExtension>(certificate);
            Assert.True(usage.Critical);
            Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, usage.KeyUsages);
            Assert.False(Extension<X509BasicConstraintsExtension>(certificate).CertificateAuthority);
            Assert.False(issued.Info.IsCa);
            Assert.Equal(
                Extension<X509SubjectKeyIdentifierExtension>(Load(Ca.CertificatePem)).SubjectKeyIdentifierBytes.ToArray(),
                Extension<X509AuthorityKeyIdentifierExtension>(certificate).KeyIdentifier!.Value.ToArray());
            Assert.NotNull(Extension<X509SubjectKeyIdentifierExtension>(certificate).SubjectKeyIdentifier);
        }

        [Fact]
        public void AnIssuedCertificateHoldsANewKeyEachTime()
        {
            var first = Ca.Issue("node-1", "10.0.0.5", Now);
            var second = Ca.Issue("node-1", "10.0.0.5", Now);

            HoldsItsKey(first.CertificatePem, first.PrivateKeyPem);
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----\n", first.PrivateKeyPem);
            Assert.NotEqual(first.PrivateKeyPem, second.PrivateKeyPem);
            Assert.NotEqual(first.Info.SerialHex, second.Info.SerialHex);
            Assert.True(CertificatePolicy.KeyMatches(first.Info, first.PrivateKeyPem));
            Assert.False(CertificatePolicy.KeyMatches(first.Info, second.PrivateKeyPem));
            Assert.DoesNotContain("PRIVATE", first.ToString());
            Assert.DoesNotContain(first.PrivateKeyPem.Split('\n')[1], first.ToString());
        }

        [Fact]
        public void TheSerialIsPositiveAndSixteenBytes()
        {
            foreach (var _ in Enumerable.Range(0, 20))
            {
                var issued = Ca.Issue("node-1", "10.0.0.5", Now);
                using var certificate = Load(issued.CertificatePem);
                Assert.Equal(16, certificate.SerialNumberBytes.Length);
                Assert.Equal(certificate.SerialNumber, issued.Info.SerialHex);
                Assert.True(certificate.SerialNumberBytes.Span[0] < 0x80);
            }
        }

        [Fact]
        public void ANodeCertificateLastsTwoYearsButNeverPastTheCa()
        {
            var issued = Ca.Issue("node-1", "10.0.0.5", Now);
            Assert.Equal(Now.AddHours(-1), issued.Info.NotBefore);
            Assert.Equal(Now + ClusterCa.NodeLifetime, issued.Info.NotAfter);
            Assert.Equal(730, ClusterCa.NodeLifetime.TotalDays);

            var late = Ca.Info.NotAfter.AddDays(-100);
            Assert.Equal(Ca.Info.NotAfter, Ca.Issue("node-1", "10.0.0.5", late).Info.NotAfter);
            Assert.Equal(TlsErrorIds.CaExpired,
                Assert.Throws<HaPgValidationException>(() => Ca.Issue("node-1", "10.0.0.5", Ca.Info.NotAfter.AddSeconds(1))).ErrorId);
        }

        [Fact]
        public void DatesFrom2050OnAreGeneralizedTimesThatStillVerify()
        {
            var at = new DateTimeOffset(2049, 6, 1, 0, 0, 0, TimeSpan.Zero);
            var ca = ClusterCa.Generate("pg", at.AddYears(-4));
            var issued = ca.Issue("node-1", "10.0.0.5", at);

            Assert.Equal(at + ClusterCa.NodeLifetime, issued.Info.NotAfter);
            Assert.Equal(at.AddYears(-4) + ClusterCa.Lifetime, ca.Info.NotAfter);
            Assert.True(ChainBuilds(issued.CertificatePem, ca.CertificatePem, at.AddYears(1)));
        }

        [Fact]
        public void IPv6AndHostNameAddressesBecomeTheirSans()
        {
            var v6 = Ca.Issue("node-2", "fd00::5", Now);
            Assert.Equal(new[] { "fd00::5", "127.0.0.1" }, v6.Info.IpAddresses);
            Assert.Equal(new[] { IPAddress.Parse("fd00::5"), IPAddress.Loopback },
                Extension<X509SubjectAlternativeNameExtension>(Load(v6.CertificatePem)).EnumerateIPAddresses());

            var named = Ca.Issue("node-3", "db3.example.org", Now);
            Assert.Equal(new[] { "node-3", "db3.example.org", "localhost" }, named.Info.DnsNames);
            Assert.Equal(new[] { "127.0.0.1" }, named.Info.IpAddresses);
            Assert.True(ChainBuilds(named.CertificatePem, Ca.CertificatePem));
        }

        [Theory]
        [InlineData("", "10.0.0.5")]
        [InlineData("node 1", "10.0.0.5")]
        [InlineData("nödé", "10.0.0.5")]
        [InlineData("node-1", "not an address")]
        public void ANameACertificateCannotCarryIsRefused(string nodeName, string address) =>
            Assert.Equal(TlsErrorIds.InvalidName, Assert.Throws<HaPgValidationException>(() => Ca.Issue(nodeName, address, Now)).ErrorId);

        [Fact]
        public void ACaWithoutItsKeyCannotIssue()
        {
            var certificateOnly = ClusterCa.FromPem(Ca.CertificatePem, null);

            Assert.False(certificateOnly.HasKey);
            Assert.Null(certificateOnly.PrivateKeyPem);
            Assert.Equal(Ca.Sha256Fingerprint, certificateOnly.Sha256Fingerprint);
            Assert.True(certificateOnly.IsIssuerOf(Ca.Issue("node-1", "10.0.0.5", Now).Info));
            var ex = Assert.Throws<HaPgValidationException>(() => certificateOnly.Issue("node-1", "10.0.0.5", Now));
            Assert.Equal(TlsErrorIds.CaKeyMissing, ex.ErrorId);
        }

        [Fact]
        public void ASavedCaComesBackWithItsKeyAndIssues()
        {
            var restored = ClusterCa.FromPem(Ca.CertificatePem, Ca.PrivateKeyPem);

            Assert.True(restored.HasKey);
            Assert.Equal(Ca.CertificatePem, restored.CertificatePem);
            Assert.True(ChainBuilds(restored.Issue("node-1", "10.0.0.5", Now).CertificatePem, Ca.CertificatePem));
        }

        [Fact]
        public void TheCaTextNeverShowsItsKey()
        {
            var body = Ca.PrivateKeyPem!.Split('\n')[1];
            Assert.DoesNotContain(body, Ca.ToString());
            Assert.DoesNotContain("PRIVATE", Ca.ToString());
        }
    }
}
