using System.IO;
using System.Linq;
using HaPg.Inventory;
using Xunit;

namespace HaPg.Tests.Inventory
{
    public sealed class InventoryYamlTests
    {
        private static string Write(HaPgInventory inventory)
        {
            using var writer = new StringWriter();
            InventoryYaml.Write(inventory, writer);
            return writer.ToString();
        }

        private static HaPgInventory Read(string yaml) => InventoryYaml.Read(new StringReader(yaml), "inv.yaml", out _);

        private static HaPgInventory Sample()
        {
            var inventory = InventoryValidatorTests.Valid();
            inventory.PostgresVersion = 16;
            inventory.Sudo = SudoMode.Passwordless;
            inventory.KnownHostsPath = "/home/dba/my known_hosts #1";
            inventory.Ports.HaproxyStats = 7443;
            inventory.Nodes[0].HostKeySha256 = "SHA256:" + new string('A', 43);
            inventory.Nodes[1].Roles = HaPgRole.Postgres;
            inventory.Nodes[2].Sudo = SudoMode.None;
            inventory.Nodes[2].Port = 2222;
            SecretGenerator.FillMissing(inventory.Secrets);
            inventory.SudoPassword = "sudo-secret".ToSecureString();
            return inventory;
        }

        [Fact]
        public void RoundTripKeepsEveryField()
        {
            var original = Sample();
            var copy = Read(Write(original));
            Assert.Equal(original.ClusterName, copy.ClusterName);
            Assert.Equal(original.Namespace, copy.Namespace);
            Assert.Equal(16, copy.PostgresVersion);
            Assert.Equal(SudoMode.Passwordless, copy.Sudo);
            Assert.Equal(original.KnownHostsPath, copy.KnownHostsPath);
            Assert.Equal(original.ClientNetworks, copy.ClientNetworks);
            Assert.Equal(7443, copy.Ports.HaproxyStats);
            Assert.Equal(5432, copy.Ports.Postgres);
            Assert.Equal(original.Nodes.Count, copy.Nodes.Count);
            foreach (var (a, b) in original.Nodes.Zip(copy.Nodes, (a, b) => (a, b)))
            {
                Assert.Equal((a.Name, a.Address, a.Port, a.User, a.KeyPath, a.Roles, a.HostKeySha256, a.Sudo),
                    (b.Name, b.Address, b.Port, b.User, b.KeyPath, b.Roles, b.HostKeySha256, b.Sudo));
            }

            Assert.Null(copy.Secrets.SuperuserPassword);
            Assert.Null(copy.SudoPassword);
        }

        [Fact]
        public void OutputIsStableCamelCaseWithRoleNames()
        {
            var yaml = Write(Sample());
            Assert.Equal(yaml, Write(Read(yaml)));
            var keys = yaml.Split('\n').Where(l => l.Length > 0 && l[0] != ' ' && l[0] != '-' && l[0] != '#').Select(l => l.Split(':')[0]).ToArray();
            Assert.Equal(new[] { "schemaVersion", "clusterName", "namespace", "postgresVersion", "sudo", "knownHostsPath", "clientNetworks", "ports", "nodes" }, keys);
            Assert.Contains("  roles: [Postgres, Etcd, Haproxy]", yaml);
            Assert.Contains("  roles: [Postgres]", yaml);
        }

        [Fact]
        public void NoSecretGoesIntoTheInventory()
        {
            var inventory = Sample();
            var yaml = Write(inventory);
            foreach (var field in HaPgSecrets.Fields)
            {
                Assert.DoesNotContain(field.Get(inventory.Secrets)!.ToPlainText(), yaml);
            }

            Assert.DoesNotContain("sudo-secret", yaml);
            Assert.DoesNotContain("assword:", yaml);
        }

        [Fact]
        public void SecretsRoundTripThroughTheirOwnFile()
        {
            var original = Sample();
            using var writer = new StringWriter();
            InventoryYaml.WriteSecrets(original, writer);
            var copy = Read(Write(original));
            InventoryYaml.ReadSecrets(new StringReader(writer.ToString()), "secrets.yaml", copy);
            foreach (var field in HaPgSecrets.Fields)
            {
                Assert.Equal(field.Get(original.Secrets)!.ToPlainText(), field.Get(copy.Secrets)!.ToPlainText());
            }
        }

        [Fact]
        public void TheCaRoundTripsAsLiteralBlocks()
        {
            var ca = HaPg.Components.Tls.ClusterCa.Generate("pg", System.DateTimeOffset.UtcNow);
            var original = Sample();
            original.Secrets.CaCertificatePem = ca.CertificatePem;
            original.Secrets.CaPrivateKey = ca.PrivateKeyPem!.ToSecureString();
            using var writer = new StringWriter();
            InventoryYaml.WriteSecrets(original, writer);
            var file = writer.ToString();
            var copy = Read(Write(original));
            InventoryYaml.ReadSecrets(new StringReader(file), "secrets.yaml", copy);

            Assert.Contains("\ncaCertificate: |\n  -----BEGIN CERTIFICATE-----\n", file);
            Assert.Contains("\ncaPrivateKey: |\n  -----BEGIN PRIVATE KEY-----\n", file);
            Assert.Equal(ca.CertificatePem, copy.Secrets.CaCertificatePem);
            Assert.Equal(ca.PrivateKeyPem, copy.Secrets.CaPrivateKey!.ToPlainText());
            Assert.True(HaPg.Components.Tls.ClusterCa.FromPem(copy.Secrets.CaCertificatePem!, copy.Secrets.CaPrivateKey.ToPlainText()).HasKey);
            Assert.Equal(original.Secrets.SuperuserPassword!.ToPlainText(), copy.Secrets.SuperuserPassword!.ToPlainText());
            Assert.DoesNotContain(ca.PrivateKeyPem!.Split('\n')[1], Write(original));
        }

        [Fact]
        public void ASecretsFileWithoutTheCaStillImports()
        {
            var copy = Read(Write(Sample()));
            InventoryYaml.ReadSecrets(new StringReader("clusterName: pg\nsuperuserPassword: x\n"), "secrets.yaml", copy);

            Assert.Equal("x", copy.Secrets.SuperuserPassword!.ToPlainText());
            Assert.Null(copy.Secrets.CaCertificatePem);
            Assert.Null(copy.Secrets.CaPrivateKey);
            using var writer = new StringWriter();
            InventoryYaml.WriteSecrets(copy, writer);
            Assert.DoesNotContain("caCertificate", writer.ToString());
            Assert.DoesNotContain("caPrivateKey", writer.ToString());
        }

        [Fact]
        public void SecretsOfAnotherClusterAreRefused()
        {
            var copy = Read(Write(Sample()));
            var ex = Assert.Throws<HaPgInventoryException>(() =>
                InventoryYaml.ReadSecrets(new StringReader("clusterName: other\nsuperuserPassword: x\n"), "secrets.yaml", copy));
            Assert.Equal(InventoryErrorIds.SecretsMismatch, ex.ErrorId);
            Assert.Contains("line 1", ex.Message);
        }

        [Theory]
        [InlineData("clusterName: pg\nnodes:\n- name: a\n  adress: 10.0.0.1\n", InventoryErrorIds.YamlUnknownKey, "line 4: unknown key 'adress' in nodes[0] (node 'a')")]
        [InlineData("clusterName: pg\nclustername2: x\n", InventoryErrorIds.YamlUnknownKey, "line 2: unknown key 'clustername2' at the top level")]
        [InlineData("clusterName: pg\nports:\n  postgress: 5433\n", InventoryErrorIds.YamlUnknownKey, "line 3: unknown key 'postgress' in ports")]
        [InlineData("nodes:\n- name: a\n  port: twenty-two\n", InventoryErrorIds.YamlInvalidValue, "line 3, key 'nodes[0].port': 'twenty-two' is not a whole number")]
        [InlineData("nodes:\n- name: a\n  roles: [Postgres, Etc]\n", InventoryErrorIds.YamlInvalidValue, "line 3, key 'nodes[0].roles[1]': 'Etc' is not one of Postgres, Etcd, Haproxy")]
        [InlineData("clusterName: [a, b]\n", InventoryErrorIds.YamlInvalidValue, "line 1, key 'clusterName': expected a single value")]
        [InlineData("nodes: node-1\n", InventoryErrorIds.YamlInvalidValue, "line 1, key 'nodes': expected a list")]
        [InlineData("schemaVersion: 2\n", InventoryErrorIds.YamlInvalidValue, "line 1, key 'schemaVersion'")]
        [InlineData("clusterName: pg\nnodes:\n- name: a\n   address: x\n", InventoryErrorIds.YamlSyntax, "inv.yaml line 4")]
        [InlineData("- a\n- b\n", InventoryErrorIds.YamlSyntax, "inv.yaml line 1")]
        [InlineData("", InventoryErrorIds.YamlSyntax, "inv.yaml line 1")]
        public void TyposNameLineAndKey(string yaml, string id, string message)
        {
            var ex = Assert.Throws<HaPgInventoryException>(() => Read(yaml));
            Assert.Equal(id, ex.ErrorId);
            Assert.Contains(message, ex.Message);
            Assert.StartsWith("inv.yaml line ", ex.Message);
        }

        [Fact]
        public void SourceMapLocatesKeysForValidationMessages()
        {
            InventoryYaml.Read(new StringReader("clusterName: pg\nnodes:\n- name: a\n  address: 10.0.0.300\n- name: b\n"), "inv.yaml", out var map);
            Assert.Equal("inv.yaml line 4, key 'nodes[0].address'", map.Locate("nodes[0].address"));
            Assert.Equal(5, map.LineOf("nodes[1].address"));
        }

        [Fact]
        public void HandWrittenMinimalFileReads()
        {
            var inventory = Read("clusterName: pg\nnodes:\n  - {name: a, address: 10.0.0.1, roles: Postgres}\n  - name: b\n    address: 10.0.0.2\n    roles:\n      - etcd\n      - haproxy\n");
            Assert.Equal(HaPgRole.Postgres, inventory.Nodes[0].Roles);
            Assert.Equal(HaPgRole.Etcd | HaPgRole.Haproxy, inventory.Nodes[1].Roles);
            Assert.Equal(22, inventory.Nodes[1].Port);
            Assert.Equal("/service/", inventory.Namespace);
        }
    }
}
