using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using HaPg.Inventory;
using Xunit;

namespace HaPg.Tests.Inventory
{
    public sealed class InventoryCmdletTests : IDisposable
    {
        private readonly PowerShellHost host = new PowerShellHost();
        private readonly string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "hapg-inv-" + Guid.NewGuid().ToString("N"))).FullName;
        private readonly string key;

        public InventoryCmdletTests()
        {
            key = Path.Combine(folder, "id_ed25519");
            File.WriteAllText(key, "not a real key; the inventory only checks that it exists");
        }

        public void Dispose()
        {
            host.Dispose();
            Directory.Delete(folder, recursive: true);
        }

        private Dictionary<string, object?> Vars(params (string Name, object? Value)[] extra)
        {
            var vars = new Dictionary<string, object?> { ["key"] = key, ["dir"] = folder };
            foreach (var (name, value) in extra)
            {
                vars[name] = value;
            }

            return vars;
        }

        private const string LabNodes =
            "$lab = 1..5 | ForEach-Object { [pscustomobject]@{ Name = \"node-$_\"; Address = \"10.0.0.1$_\"; Port = 22; User = 'root'; KeyPath = $key; " +
            "HostKeySha256 = 'SHA256:' + ('A' * 43); Container = \"c$_\"; Memory = 512 } }; ";

        private ErrorRecord Fails(string script)
        {
            var (output, _) = host.Invoke($"try {{ {script} }} catch {{ $_ }}", Vars());
            return Assert.IsType<ErrorRecord>(Assert.Single(output).BaseObject);
        }

        [Fact]
        public void PipedLabNodesGiveTheClassicLayoutAndSecrets()
        {
            var (output, errors) = host.Invoke(LabNodes + "$lab | New-HaPgInventory -ClusterName pg -KnownHostsPath (Join-Path $dir kh)", Vars());
            Assert.Empty(errors);
            var inventory = Assert.IsType<HaPgInventory>(Assert.Single(output).BaseObject);
            Assert.Equal(new[] { "node-1", "node-2", "node-3", "node-4", "node-5" }, inventory.Nodes.Select(n => n.Name));
            Assert.Equal(new[] { HaPgRole.Postgres, HaPgRole.Postgres, HaPgRole.Postgres, HaPgRole.Etcd, HaPgRole.Haproxy }, inventory.Nodes.Select(n => n.Roles));
            Assert.All(inventory.Nodes, n => Assert.Equal(key, n.KeyPath));
            Assert.Equal(Path.Combine(folder, "kh"), inventory.KnownHostsPath);
            Assert.All(HaPgSecrets.Fields, f => Assert.Equal(f.Length, f.Get(inventory.Secrets)!.Length));
            Assert.Equal(8, inventory.Secrets.VrrpPassword!.Length);
        }

        [Fact]
        public void NodeParameterTakesHashtablesWithRoles()
        {
            var (output, errors) = host.Invoke(
                "New-HaPgInventory -ClusterName pg -PostgresPort 5433 -Node @(" +
                "@{ Name = 'a'; Address = '10.0.0.1'; KeyPath = $key; Role = 'Postgres', 'Etcd' }, " +
                "@{ Name = 'b'; Address = '10.0.0.2'; KeyPath = $key; Roles = 'Postgres,Etcd'; Sudo = 'Passwordless'; User = 'debian' }, " +
                "@{ Name = 'c'; Address = '10.0.0.3'; KeyPath = $key; Role = 'Etcd', 'Haproxy'; Port = 2222 })", Vars());
            Assert.Empty(errors);
            var inventory = (HaPgInventory)output.Single().BaseObject;
            Assert.Equal(HaPgRole.Postgres | HaPgRole.Etcd, inventory.Nodes[1].Roles);
            Assert.Equal(SudoMode.Passwordless, inventory.Nodes[1].Sudo);
            Assert.Equal(2222, inventory.Nodes[2].Port);
            Assert.Equal(5433, inventory.Ports.Postgres);
        }

        [Fact]
        public void EveryPortParameterSetsItsPortAndNoOther()
        {
            foreach (var port in HaPgPorts.Catalogue)
            {
                var (output, errors) = host.Invoke(
                    $"New-HaPgInventory -ClusterName pg -{port.Name}Port 40001 -Node @(" +
                    "@{ Name = 'a'; Address = '10.0.0.1'; KeyPath = $key }, @{ Name = 'b'; Address = '10.0.0.2'; KeyPath = $key }, " +
                    "@{ Name = 'c'; Address = '10.0.0.3'; KeyPath = $key })", Vars());
                Assert.Empty(errors);
                var ports = ((HaPgInventory)output.Single().BaseObject).Ports;
                Assert.All(HaPgPorts.Catalogue, p => Assert.Equal(p == port ? 40001 : p.Get(new HaPgPorts()), p.Get(ports)));
            }
        }

        [Theory]
        [InlineData("-Node @{Name='a';Address='10.0.0.300';KeyPath=$key}, @{Name='b';Address='10.0.0.2';KeyPath=$key}", InventoryErrorIds.InvalidAddress, "Node 'a'")]
        [InlineData("-Node @{Name='a';Address='10.0.0.1';KeyPath=$key}, @{Name='a';Address='10.0.0.2';KeyPath=$key}", InventoryErrorIds.DuplicateNodeName, "Node 'a'")]
        [InlineData("-Node @{Name='a';Address='10.0.0.1';KeyPath=$key;Port='ssh'}", InventoryErrorIds.InvalidNodeInput, "Node #1 ('a')")]
        [InlineData("-Node @{Name='a';Address='10.0.0.1';KeyPath=$key;Role='Postgres'}, @{Name='b';Address='10.0.0.2';KeyPath=$key;Role='Etcd','Haproxy'}", InventoryErrorIds.TooFewPostgresNodes, "1 Postgres node(s) (a)")]
        [InlineData("-ClusterName 'my cluster' -Node @{Name='a';Address='10.0.0.1';KeyPath=$key}", InventoryErrorIds.InvalidClusterName, "my cluster")]
        [InlineData("-ClusterName pg", InventoryErrorIds.NoNodes, "'pg' has no nodes")]
        public void BadInputIsATerminatingErrorWithItsId(string arguments, string id, string mentions)
        {
            var error = Fails("New-HaPgInventory " + arguments);
            Assert.StartsWith(id + ",", error.FullyQualifiedErrorId);
            Assert.Contains(mentions, error.Exception.Message);
            Assert.NotNull(error.TargetObject);
        }

        [Fact]
        public void EvenEtcdMembersWarns()
        {
            var (output, errors) = host.Invoke(
                "New-HaPgInventory -Node @{Name='a';Address='10.0.0.1';KeyPath=$key;Role='Postgres','Etcd'}, @{Name='b';Address='10.0.0.2';KeyPath=$key;Role='Postgres','Etcd','Haproxy'} 3>&1 |" +
                " Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | ForEach-Object Message", Vars());
            Assert.Empty(errors);
            Assert.Contains("even number of members (a, b)", Assert.Single(output, o => o.ToString()!.Contains("even number")).ToString());
        }

        [Fact]
        public void ExportImportRoundTripKeepsSecretsOutOfTheInventory()
        {
            var (output, errors) = host.Invoke(LabNodes +
                "$inv = $lab | New-HaPgInventory -ClusterName pg -SudoPassword (ConvertTo-SecureString 'sudo-pw' -AsPlainText -Force); " +
                "$inv | Export-HaPgInventory -Path (Join-Path $dir inv.yaml) -SecretsPath (Join-Path $dir secrets.yaml); " +
                "$back = Import-HaPgInventory (Join-Path $dir inv.yaml) -SecretsPath (Join-Path $dir secrets.yaml); $inv; $back", Vars());
            Assert.Empty(errors);
            var (original, copy) = ((HaPgInventory)output[0].BaseObject, (HaPgInventory)output[1].BaseObject);
            var yaml = File.ReadAllText(Path.Combine(folder, "inv.yaml"));
            Assert.All(HaPgSecrets.Fields, f =>
            {
                Assert.DoesNotContain(f.Get(original.Secrets)!.ToPlainText(), yaml);
                Assert.Equal(f.Get(original.Secrets)!.ToPlainText(), f.Get(copy.Secrets)!.ToPlainText());
            });
            Assert.DoesNotContain("sudo-pw", yaml);
            Assert.Equal(original.Nodes.Select(n => (n.Name, n.Address, n.Roles, n.HostKeySha256)), copy.Nodes.Select(n => (n.Name, n.Address, n.Roles, n.HostKeySha256)));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, "secrets.yaml")));
            }
        }

        [Fact]
        public void ExportImportRoundTripKeepsTheCa()
        {
            var ca = HaPg.Components.Tls.ClusterCa.Generate("pg", DateTimeOffset.UtcNow);
            var (output, errors) = host.Invoke(LabNodes +
                "$inv = $lab | New-HaPgInventory -ClusterName pg; $inv.Secrets.CaCertificatePem = $caPem; " +
                "$inv.Secrets.CaPrivateKey = ConvertTo-SecureString $caKey -AsPlainText -Force; " +
                "$inv | Export-HaPgInventory -Path (Join-Path $dir inv.yaml) -SecretsPath (Join-Path $dir secrets.yaml); " +
                "Import-HaPgInventory (Join-Path $dir inv.yaml) -SecretsPath (Join-Path $dir secrets.yaml); " +
                "Import-HaPgInventory (Join-Path $dir inv.yaml) 3>$null", Vars(("caPem", ca.CertificatePem), ("caKey", ca.PrivateKeyPem)));
            Assert.Empty(errors);
            var (copy, withoutSecrets) = ((HaPgInventory)output[0].BaseObject, (HaPgInventory)output[1].BaseObject);

            Assert.Equal(ca.CertificatePem, copy.Secrets.CaCertificatePem);
            Assert.Equal(ca.PrivateKeyPem, copy.Secrets.CaPrivateKey!.ToPlainText());
            Assert.Null(withoutSecrets.Secrets.CaPrivateKey);
            Assert.DoesNotContain("PRIVATE", File.ReadAllText(Path.Combine(folder, "inv.yaml")));
            Assert.Contains("caPrivateKey: |", File.ReadAllText(Path.Combine(folder, "secrets.yaml")));
        }

        [Fact]
        public void ExportRefusesToOverwriteWithoutForceAndHonoursWhatIf()
        {
            var path = Path.Combine(folder, "inv.yaml");
            host.Invoke(LabNodes + "$script:inv = $lab | New-HaPgInventory -ClusterName pg", Vars());
            host.Invoke("Export-HaPgInventory -Inventory $inv -Path (Join-Path $dir inv.yaml) -WhatIf", Vars());
            Assert.False(File.Exists(path));

            File.WriteAllText(path, "keep");
            var error = Fails("Export-HaPgInventory -Inventory $inv -Path (Join-Path $dir inv.yaml)");
            Assert.StartsWith(InventoryErrorIds.FileExists + ",", error.FullyQualifiedErrorId);
            Assert.Equal("keep", File.ReadAllText(path));

            var (output, errors) = host.Invoke("Export-HaPgInventory -Inventory $inv -Path (Join-Path $dir inv.yaml) -Force -PassThru", Vars());
            Assert.Empty(errors);
            Assert.Equal(path, Assert.IsType<FileInfo>(Assert.Single(output).BaseObject).FullName);
            Assert.StartsWith("# HaPg inventory", File.ReadAllText(path));
        }

        [Fact]
        public void ExportRefusesASecretsPathThatIsASymlinkEvenWithForce()
        {
            if (OperatingSystem.IsWindows()) return;
            var victim = Path.Combine(folder, "victim");
            File.WriteAllText(victim, "keep");
            File.CreateSymbolicLink(Path.Combine(folder, "secrets.yaml"), victim);
            host.Invoke(LabNodes + "$script:inv = $lab | New-HaPgInventory -ClusterName pg", Vars());

            var error = Fails("Export-HaPgInventory -Inventory $inv -Path (Join-Path $dir inv.yaml) -SecretsPath (Join-Path $dir secrets.yaml) -Force");

            Assert.StartsWith(InventoryErrorIds.SecretsPathIsLink + ",", error.FullyQualifiedErrorId);
            Assert.Equal("keep", File.ReadAllText(victim));
        }

        [Fact]
        public void ImportOfATypoNamesLineAndKey()
        {
            File.WriteAllText(Path.Combine(folder, "typo.yaml"), "clusterName: pg\nnodes:\n- name: a\n  address: 10.0.0.1\n  keyPath: id_ed25519\n  rols: [Postgres]\n");
            var error = Fails("Import-HaPgInventory (Join-Path $dir typo.yaml)");
            Assert.StartsWith(InventoryErrorIds.YamlUnknownKey + ",", error.FullyQualifiedErrorId);
            Assert.Contains("typo.yaml line 6: unknown key 'rols' in nodes[0] (node 'a')", error.Exception.Message);
        }

        [Fact]
        public void ImportValidatesAndPointsAtTheLine()
        {
            File.WriteAllText(Path.Combine(folder, "bad.yaml"),
                "clusterName: pg\nnodes:\n- {name: a, address: 10.0.0.1, keyPath: id_ed25519}\n- name: b\n  address: 10.0.0.300\n  keyPath: id_ed25519\n- {name: c, address: 10.0.0.3, keyPath: id_ed25519}\n");
            var error = Fails("Import-HaPgInventory (Join-Path $dir bad.yaml)");
            Assert.StartsWith(InventoryErrorIds.InvalidAddress + ",", error.FullyQualifiedErrorId);
            Assert.Contains("Node 'b': address '10.0.0.300'", error.Exception.Message);
            Assert.Contains("bad.yaml line 5, key 'nodes[1].address'", error.Exception.Message);
            Assert.Equal("b", ((HaPgNode)error.TargetObject).Name);
        }

        [Theory]
        [InlineData("{name: \"a\\n\", address: 10.0.0.1, keyPath: id_ed25519}", "nodes[0].name", "\"a\\n\"")]
        [InlineData("{name: a, address: \"10.0.0.1\\n\", keyPath: id_ed25519}", "nodes[0].address", "\"10.0.0.1\\n\"")]
        [InlineData("{name: a, address: 10.0.0.1, user: \"root\\r\", keyPath: id_ed25519}", "nodes[0].user", "\"root\\r\"")]
        public void ImportRefusesAControlCharacterWithItsIdAndShowsItEscaped(string firstNode, string key, string shown)
        {
            File.WriteAllText(Path.Combine(folder, "ctl.yaml"), "clusterName: pg\nnodes:\n- " + firstNode + "\n" +
                "- {name: b, address: 10.0.0.2, keyPath: id_ed25519}\n- {name: c, address: 10.0.0.3, keyPath: id_ed25519}\n");
            var error = Fails("Import-HaPgInventory (Join-Path $dir ctl.yaml)");
            Assert.StartsWith(InventoryErrorIds.ControlCharacter + ",", error.FullyQualifiedErrorId);
            Assert.Contains(shown, error.Exception.Message);
            Assert.Contains($"key '{key}'", error.Exception.Message);
            Assert.DoesNotContain(error.Exception.Message, char.IsControl);
        }

        [Theory]
        [InlineData("-Name \"db1`n\" -Address 10.0.0.1 -KeyPath $key", "\"db1\\n\"")]
        [InlineData("-Name db1 -Address \"10.0.0.1`n\" -KeyPath $key", "\"10.0.0.1\\n\"")]
        [InlineData("-Node @{Name=\"d`nb1\";Address='10.0.0.1';KeyPath=$key}", "\"d\\nb1\"")]
        public void NewInventoryRefusesAControlCharacterWithItsId(string node, string shown)
        {
            var error = Fails($"New-HaPgInventory -ClusterName pg {node}");
            Assert.StartsWith(InventoryErrorIds.ControlCharacter + ",", error.FullyQualifiedErrorId);
            Assert.Contains(shown, error.Exception.Message);
            Assert.DoesNotContain(error.Exception.Message, char.IsControl);
        }

        [Fact]
        public void ImportResolvesRelativeKeyPathsAgainstTheFile()
        {
            File.WriteAllText(Path.Combine(folder, "ok.yaml"),
                "clusterName: pg\nnodes:\n- {name: a, address: 10.0.0.1, keyPath: id_ed25519}\n- {name: b, address: 10.0.0.2, keyPath: id_ed25519}\n- {name: c, address: 10.0.0.3, keyPath: id_ed25519}\n");
            var (output, errors) = host.Invoke("Import-HaPgInventory (Join-Path $dir ok.yaml) -WarningAction SilentlyContinue", Vars());
            Assert.Empty(errors);
            var inventory = (HaPgInventory)output.Single().BaseObject;
            Assert.All(inventory.Nodes, n => Assert.Equal(key, n.KeyPath));
            Assert.All(inventory.Nodes, n => Assert.Equal(HaPgRole.Postgres | HaPgRole.Etcd | HaPgRole.Haproxy, n.Roles));
        }
    }
}
