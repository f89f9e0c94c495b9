using System;
using System.Linq;
using System.Text;
using HaPg.Components.Tls;
using Xunit;
using static HaPg.Tests.Components.Tls.TlsAssert;

namespace HaPg.Tests.Components.Tls
{
    public class CertificatePolicyTests
    {
        private static readonly ClusterCa Ca = ClusterCa.Generate("pg", Now);
        private static readonly IssuedCertificate Node1 = Ca.Issue("node-1", "10.0.0.5", Now);

        private static string? Reason(CertificateInfo deployed, DateTimeOffset at, string address = "10.0.0.5", string node = "node-1") =>
            CertificatePolicy.RenewReason(deployed, Ca, node, address, at);

        [Fact]
        public void AFreshCertificateStays()
        {
            Assert.Null(Reason(Node1.Info, Now));
            Assert.Null(Reason(Node1.Info, Now.AddDays(600)));
            Assert.Null(CertificatePolicy.RenewReason(Node1.Info, Ca, "node-1", "10.0.0.5", Now, Node1.PrivateKeyPem));
            Assert.Null(CertificatePolicy.RenewReason(Node1.Info, ClusterCa.FromPem(Ca.CertificatePem, null), "node-1", "10.0.0.5", Now));
        }

        [Fact]
        public void ACertificateEndingWithinThirtyDaysIsRenewed()
        {
            var ends = Node1.Info.NotAfter;
            Assert.Null(Reason(Node1.Info, ends - CertificatePolicy.RenewBefore - TimeSpan.FromMinutes(1)));
            Assert.Equal($"expires {ends.UtcDateTime:yyyy-MM-dd}, within 30 days", Reason(Node1.Info, ends.AddDays(-10)));
            Assert.Equal($"expired {ends.UtcDateTime:yyyy-MM-dd}", Reason(Node1.Info, ends.AddDays(1)));
        }

        [Fact]
        public void AChangedAddressOrNameIsRenewed()
        {
            Assert.Equal("SANs lack 10.0.0.6", Reason(Node1.Info, Now, address: "10.0.0.6"));
            Assert.Equal("SANs lack node-9", Reason(Node1.Info, Now, node: "node-9"));
            Assert.Equal("SANs lack db1.example.org", Reason(Node1.Info, Now, address: "db1.example.org"));
            Assert.Null(Reason(Node1.Info, Now, node: "NODE-1"));
        }

        [Fact]
        public void ACertificateOfAnotherCaIsRenewed()
        {
            var other = ClusterCa.Generate("pg", Now).Issue("node-1", "10.0.0.5", Now);
            Assert.Equal("not issued by the cluster CA", Reason(other.Info, Now));
            Assert.Equal("is a CA certificate, not a node's", Reason(Ca.Info, Now));
        }

        [Fact]
        public void ACertificateWithAnotherKeyIsRenewed()
        {
            var second = Ca.Issue("node-1", "10.0.0.5", Now);
            Assert.Equal("does not match its key", CertificatePolicy.RenewReason(Node1.Info, Ca, "node-1", "10.0.0.5", Now, second.PrivateKeyPem));
            Assert.Equal("does not match its key", CertificatePolicy.RenewReason(Node1.Info, Ca, "node-1", "10.0.0.5", Now, "garbage"));
            Assert.False(CertificatePolicy.KeyMatches(Node1.Info, Ca.PrivateKeyPem!));
            Assert.False(CertificatePolicy.KeyMatches(Node1.Info, "garbage"));
        }

        [Fact]
        public void ATamperedSignatureOrBodyIsNotTheCas()
        {
            var der = Node1.Info.GetRawData();
            der[der.Length - 1] ^= 0x01;
            var badSignature = CertificateInfo.FromDer(der);

            var body = Node1.Info.GetRawData();
            var at = IndexOf(body, Encoding.ASCII.GetBytes("node-1"));
            body[at + 5] = (byte)'7';
            var badBody = CertificateInfo.FromDer(body);

            Assert.Equal("CN=node-7", badBody.Subject);
            foreach (var tampered in new[] { badSignature, badBody })
            {
                Assert.False(Ca.IsIssuerOf(tampered));
                Assert.Equal("not issued by the cluster CA", Reason(tampered, Now));
            }

            Assert.True(Ca.IsIssuerOf(Node1.Info));
        }

        private static int IndexOf(byte[] haystack, byte[] needle) =>
            Enumerable.Range(0, haystack.Length - needle.Length).First(i => haystack.AsSpan(i, needle.Length).SequenceEqual(needle));
    }
}
