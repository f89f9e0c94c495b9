using System.Collections.Generic;
using System.Linq;
using HaPg.Components.Haproxy;
using HaPg.Components.Keepalived;
using HaPg.Components.Patroni;
using HaPg.Components.Postgres;
using HaPg.Inventory;
using HaPg.Operations;
using HaPg.Tests.Components;
using Xunit;

namespace HaPg.Tests.Operations
{
    public class DeployedSecretFileTests
    {
        [Fact]
        public void EverySecretIsTakenBackFromTheFilesADeployedClusterKeepsItIn()
        {
            var inventory = TestInventory.ThreeNodes();
            inventory.VirtualIP = "10.0.0.50/24";
            SecretGenerator.FillMissing(inventory.Secrets);
            var node = inventory.Nodes[0];
            var passwords = PatroniSteps.PasswordsFrom(inventory.Secrets);
            var deployed = new Dictionary<string, string>
            {
                [PatroniConfig.FilePath] = PatroniConfig.Render(inventory, node, 15, new PatroniSettings(), passwords).Content,
                [HaproxyConfig.FilePath] = HaproxyConfig.Render(inventory, node,
                    new HaproxySettings { StatsPassword = inventory.Secrets.HaproxyStatsPassword!.ToPlainText() }).Content,
                [KeepalivedConfig.FilePath] = KeepalivedConfig.Render(inventory, node, "eth0", inventory.Secrets.VrrpPassword!.ToPlainText()).Content,
                [ApplicationRole.SecretPath] = ApplicationRole.SecretFile(inventory.Secrets.ApplicationPassword!.ToPlainText()).Content,
            };

            var adopted = new HaPgSecrets();
            foreach (var file in DeployedSecretFile.All)
            {
                Assert.True(file.Adopt(adopted, deployed[file.Path]), file.Path);
            }

            Assert.All(HaPgSecrets.Fields, field => Assert.Equal(field.Get(inventory.Secrets)!.ToPlainText(), field.Get(adopted)?.ToPlainText()));
        }

        [Fact]
        public void NoDeployedFileChangesNothing()
        {
            var secrets = new HaPgSecrets { RestApiPassword = "kept".ToSecureString() };

            Assert.False(DeployedSecretFile.Patroni.Adopt(secrets, null));
            Assert.False(DeployedSecretFile.HaproxyStats.Adopt(secrets, string.Empty));
            Assert.Equal("kept", secrets.RestApiPassword.ToPlainText());
            Assert.Equal(new[] { HaPgRole.Postgres, HaPgRole.Haproxy, HaPgRole.Haproxy, HaPgRole.Postgres }, DeployedSecretFile.All.Select(f => f.Role));
        }
    }
}
