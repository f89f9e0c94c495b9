using System;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaPg.Components.Tls;
using Xunit;

namespace HaPg.Tests.Components.Tls
{
    /// <summary>Checks of HaPg's certificates by .NET's own X.509 stack.</summary>
    internal static class TlsAssert
    {
        internal static readonly DateTimeOffset Now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

        internal static X509Certificate2 Load(string pem) => X509CertificateLoader.LoadCertificate(Pem.Decode(pem, Pem.Certificate));

        /// <summary>Whether .NET builds a chain from the leaf to the CA, trusting only that CA, at <paramref name="at"/>.</summary>
        internal static bool ChainBuilds(string leafPem, string caPem, DateTimeOffset? at = null)
        {
            using var leaf = Load(leafPem);
            using var ca = Load(caPem);
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = (at ?? Now.AddDays(1)).UtcDateTime;
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1"));
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2"));
            var built = chain.Build(leaf);
            return built && chain.ChainElements.Count == 2 && chain.ChainElements[1].Certificate.Thumbprint == ca.Thumbprint;
        }

        internal static void HoldsItsKey(string certificatePem, string keyPem)
        {
            using var loaded = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            Assert.True(loaded.HasPrivateKey);
            using var key = (AsymmetricAlgorithm?)loaded.GetECDsaPrivateKey() ?? loaded.GetRSAPrivateKey();
            Assert.NotNull(key);
        }

        internal static T Extension<T>(X509Certificate2 certificate)
            where T : X509Extension => certificate.Extensions.OfType<T>().Single();
    }
}
