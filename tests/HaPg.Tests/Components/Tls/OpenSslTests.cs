using System;
using System.Linq;
using HaPg.Components.Tls;
using Xunit;
using static HaPg.Tests.Components.Tls.TlsAssert;

namespace HaPg.Tests.Components.Tls
{
    /// <summary>HaPg's certificates judged by OpenSSL, and OpenSSL's CAs and keys read by HaPg.</summary>
    public class OpenSslTests
    {
        private static DateTimeOffset Today => DateTimeOffset.UtcNow;

        /// <summary>openssl verify for both purposes; <paramref name="strict"/> adds -x509_strict (which wants a CA's keyUsage).</summary>
        private static void Verifies(OpenSsl openssl, ClusterCa ca, IssuedCertificate issued, bool strict = false)
        {
            openssl.Write("ca.crt", ca.CertificatePem);
            openssl.Write("node.crt", issued.CertificatePem);
            openssl.Write("node.key", issued.PrivateKeyPem);
            foreach (var purpose in new[] { "sslserver", "sslclient" })
            {
                var args = strict ? new[] { "verify", "-x509_strict" } : new[] { "verify" };
                Assert.Equal("node.crt: OK", openssl.Ok(args.Concat(new[] { "-purpose", purpose, "-CAfile", "ca.crt", "node.crt" }).ToArray()).Trim());
            }

            Assert.Equal(openssl.Ok("x509", "-in", "node.crt", "-noout", "-pubkey"), openssl.Ok("pkey", "-in", "node.key", "-pubout"));
        }

        [ToolFact("openssl")]
        public void OpenSslVerifiesHaPgsCaAndNodeCertificates()
        {
            using var openssl = new OpenSsl();
            var ca = ClusterCa.Generate("pg", Today);
            var issued = ca.Issue("node-1", "10.0.0.5", Today);

            Verifies(openssl, ca, issued, strict: true);
            var san = openssl.Ok("x509", "-in", "node.crt", "-noout", "-ext", "subjectAltName");
            Assert.Contains("DNS:node-1, DNS:localhost, IP Address:10.0.0.5, IP Address:127.0.0.1", san);
            var text = openssl.Ok("x509", "-in", "ca.crt", "-noout", "-text");
            Assert.Matches(@"Basic Constraints: critical\s+CA:TRUE, pathlen:0", text);
            Assert.Matches(@"Key Usage: critical\s+Certificate Sign, CRL Sign", text);
            Assert.Matches(@"Extended Key Usage:\s+TLS Web Server Authentication, TLS Web Client Authentication",
                openssl.Ok("x509", "-in", "node.crt", "-noout", "-text"));
            Assert.Equal("sha256 Fingerprint=" + issued.Info.Sha256Fingerprint, openssl.Ok("x509", "-in", "node.crt", "-noout", "-fingerprint", "-sha256").Trim());
            Assert.Equal("serial=" + issued.Info.SerialHex, openssl.Ok("x509", "-in", "node.crt", "-noout", "-serial").Trim());
            Assert.Contains("subject=CN = node-1", openssl.Ok("x509", "-in", "node.crt", "-noout", "-subject"));

            openssl.Write("other.crt", ClusterCa.Generate("pg", Today).CertificatePem);
            Assert.NotEqual(0, openssl.Run("verify", "-CAfile", "other.crt", "node.crt").ExitCode);
            openssl.Write("ca.key", ca.PrivateKeyPem!);
            Assert.Equal(openssl.Ok("x509", "-in", "ca.crt", "-noout", "-pubkey"), openssl.Ok("pkey", "-in", "ca.key", "-pubout"));
        }

        [ToolFact("openssl")]
        public void AnOpenSslEcCaIssuesInEveryKeyFormat()
        {
            using var openssl = new OpenSsl();
            openssl.Ok("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-days", "30", "-subj", "/O=Example/CN=Example CA");
            openssl.Ok("ec", "-in", "ca.key", "-out", "ca-sec1.key");
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----", openssl.Read("ca.key"));
            Assert.StartsWith("-----BEGIN EC PRIVATE KEY-----", openssl.Read("ca-sec1.key"));

            foreach (var key in new[] { "ca.key", "ca-sec1.key" })
            {
                var ca = ClusterCa.FromPem(openssl.Read("ca.crt"), openssl.Read(key));
                Assert.Equal("CN=Example CA, O=Example", ca.Info.Subject);
                Verifies(openssl, ca, ca.Issue("node-1", "10.0.0.5", Today));
                Assert.True(ChainBuilds(ca.Issue("node-2", "10.0.0.6", Today).CertificatePem, ca.CertificatePem, Today));
            }
        }

        [ToolFact("openssl")]
        public void AnOpenSslRsaCaIssuesInEveryKeyFormat()
        {
            using var openssl = new OpenSsl();
            openssl.Ok("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "30", "-subj", "/CN=RSA CA");
            openssl.Ok("rsa", "-in", "ca.key", "-traditional", "-out", "ca-pkcs1.key");
            Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", openssl.Read("ca-pkcs1.key"));

            foreach (var key in new[] { "ca.key", "ca-pkcs1.key" })
            {
                var ca = ClusterCa.FromPem(openssl.Read("ca.crt"), openssl.Read(key));
                var issued = ca.Issue("node-1", "10.0.0.5", Today);
                Verifies(openssl, ca, issued);
                Assert.Contains("Signature Algorithm: sha256WithRSAEncryption", openssl.Ok("x509", "-in", "node.crt", "-noout", "-text"));
            }
        }

        [ToolFact("openssl")]
        public void OpenSslsRefusalsAreNamed()
        {
            using var openssl = new OpenSsl();
            openssl.Ok("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-days", "30", "-subj", "/CN=CA");
            openssl.Ok("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key", "-out", "leaf.crt",
                "-days", "30", "-subj", "/CN=leaf", "-addext", "basicConstraints=critical,CA:FALSE");
            openssl.Ok("pkey", "-in", "ca.key", "-aes256", "-passout", "pass:secret", "-out", "pkcs8-encrypted.key");
            openssl.Ok("ec", "-in", "ca.key", "-aes256", "-passout", "pass:secret", "-out", "sec1-encrypted.key");
            openssl.Ok("genpkey", "-algorithm", "ed25519", "-out", "ed25519.key");
            var cert = openssl.Read("ca.crt");

            Assert.Equal(TlsErrorIds.NotACa, Refusal(() => ClusterCa.FromPem(openssl.Read("leaf.crt"), openssl.Read("leaf.key"))));
            Assert.Equal(TlsErrorIds.KeyMismatch, Refusal(() => ClusterCa.FromPem(cert, openssl.Read("leaf.key"))));
            Assert.Contains("Proc-Type: 4,ENCRYPTED", openssl.Read("sec1-encrypted.key"));
            foreach (var key in new[] { "pkcs8-encrypted.key", "sec1-encrypted.key", "ed25519.key" })
            {
                Assert.Equal(TlsErrorIds.UnsupportedKey, Refusal(() => ClusterCa.FromPem(cert, openssl.Read(key))));
            }
        }

        private static string Refusal(Action action) => Assert.Throws<HaPgValidationException>(action).ErrorId;
    }
}
