using System;
using System.Linq;
using HaPg.Components.Tls;
using HaPg.Inventory;
using HaPg.Remote;
using Xunit;

namespace HaPg.Tests.Remote
{
    /// <summary>The CA's private key is masked wherever the passwords are: whole, line by line, in one line, with CRLF.</summary>
    public class RedactorKeyTests
    {
        private static readonly ClusterCa Ca = ClusterCa.Generate("pg", DateTimeOffset.UtcNow);

        private static Redactor RedactorWithKey()
        {
            var inventory = new HaPgInventory();
            inventory.Secrets.CaPrivateKey = Ca.PrivateKeyPem!.ToSecureString();
            inventory.Secrets.CaCertificatePem = Ca.CertificatePem;
            return Redactor.For(inventory);
        }

        private static string[] BodyLines => Ca.PrivateKeyPem!.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----")).ToArray();

        [Fact]
        public void TheWholeKeyIsMasked()
        {
            var redactor = RedactorWithKey();
            Assert.Equal("key: ***.", redactor.Redact($"key: {Ca.PrivateKeyPem}."));
            Assert.Equal("key: ***.", redactor.Redact($"key: {Ca.PrivateKeyPem!.Replace("\n", "\r\n")}."));
        }

        [Fact]
        public void EachLineAndTheJoinedBodyAreMasked()
        {
            var redactor = RedactorWithKey();
            Assert.True(BodyLines.Length >= 2);
            foreach (var line in BodyLines.Where(l => l.Length >= Redactor.ShortestMaskedLine))
            {
                Assert.Equal("stderr: *** at line 3", redactor.Redact($"stderr: {line} at line 3"));
            }

            Assert.Equal("\"key\":\"***\"", redactor.Redact($"\"key\":\"{string.Concat(BodyLines)}\""));
            var partial = string.Join("\n", BodyLines.Take(2));
            Assert.DoesNotContain(BodyLines[0], redactor.Redact("-----BEGIN PRIVATE KEY-----\n" + partial + "\n(truncated)"));
        }

        [Fact]
        public void ThePemFramingAndTheCertificateStayReadable()
        {
            var redactor = RedactorWithKey();
            Assert.Equal("-----BEGIN PRIVATE KEY----- missing", redactor.Redact("-----BEGIN PRIVATE KEY----- missing"));
            Assert.Equal(Ca.CertificatePem, redactor.Redact(Ca.CertificatePem));
        }
    }
}
