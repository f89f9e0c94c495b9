using System.Collections.Generic;
using HaPg.Components.Tls;
using HaPg.Inventory;
using Xunit;
using static HaPg.Tests.Components.Tls.TlsAssert;

namespace HaPg.Tests.Components.Tls
{
    public class ClusterCaSourceTests
    {
        private static readonly ClusterCa Deployed = ClusterCa.Generate("demo", Now);
        private static readonly ClusterCa Other = ClusterCa.Generate("other", Now);

        private static Dictionary<string, string?> Nodes(string? pg1, string? pg2, string? pg3) =>
            new Dictionary<string, string?> { ["pg1"] = pg1, ["pg2"] = pg2, ["pg3"] = pg3 };

        [Fact]
        public void TheSessionsCaIsUsedAsItIsWhateverTheNodesHold()
        {
            var inventory = TestInventory.ThreeNodes();
            inventory.Secrets.CaCertificatePem = Deployed.CertificatePem;
            inventory.Secrets.CaPrivateKey = Deployed.PrivateKeyPem!.ToSecureString();

            var ca = ClusterCaSource.Resolve(inventory, Nodes(Other.CertificatePem, null, null), Now);

            Assert.Equal(Deployed.Sha256Fingerprint, ca.Sha256Fingerprint);
            Assert.True(ca.HasKey);
            Assert.Equal(Deployed.CertificatePem, inventory.Secrets.CaCertificatePem);
        }

        [Fact]
        public void WithNoneInTheSessionAndNoneDeployedANewOneIsGeneratedAndKeptInTheSecrets()
        {
            var inventory = TestInventory.ThreeNodes();

            var ca = ClusterCaSource.Resolve(inventory, Nodes(null, null, "  "), Now);

            Assert.True(ca.HasKey);
            Assert.Equal("CN=HaPg demo CA", ca.Info.Subject);
            Assert.Equal(ca.CertificatePem, inventory.Secrets.CaCertificatePem);
            Assert.Equal(ca.PrivateKeyPem, inventory.Secrets.CaPrivateKey!.ToPlainText());
            // The stored pair is a CA again, with its key.
            Assert.True(ClusterCa.FromPem(inventory.Secrets.CaCertificatePem!, inventory.Secrets.CaPrivateKey!.ToPlainText()).HasKey);
        }

        [Fact]
        public void OneCaDeployedOnSomeNodesIsAdoptedWithoutAKey()
        {
            var inventory = TestInventory.ThreeNodes();

            var ca = ClusterCaSource.Resolve(inventory, Nodes(null, Deployed.CertificatePem, Deployed.CertificatePem), Now);

            Assert.Equal(Deployed.Sha256Fingerprint, ca.Sha256Fingerprint);
            Assert.False(ca.HasKey);
            Assert.Equal(Deployed.CertificatePem, inventory.Secrets.CaCertificatePem);
            Assert.Null(inventory.Secrets.CaPrivateKey);
        }

        [Fact]
        public void TwoDifferentDeployedCasAreRefusedNamingTheNodesOfEach()
        {
            var inventory = TestInventory.ThreeNodes();

            var error = Assert.Throws<HaPgValidationException>(
                () => ClusterCaSource.Resolve(inventory, Nodes(Deployed.CertificatePem, Other.CertificatePem, Deployed.CertificatePem), Now));

            Assert.Equal("HaPg.Tls.CaMismatch", error.ErrorId);
            Assert.Contains($"{Deployed.Sha256Fingerprint}: pg1, pg3", error.Message);
            Assert.Contains($"{Other.Sha256Fingerprint}: pg2", error.Message);
            Assert.Null(inventory.Secrets.CaCertificatePem);
            Assert.Null(inventory.Secrets.CaPrivateKey);
        }
    }
}
