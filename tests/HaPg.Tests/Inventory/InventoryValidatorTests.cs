using System;
using System.Collections.Generic;
using System.Linq;
using HaPg.Inventory;
using Xunit;

namespace HaPg.Tests.Inventory
{
    public sealed class InventoryValidatorTests
    {
        private const string Key = "/keys/id_ed25519";
        private const HaPgRole All = HaPgRole.Postgres | HaPgRole.Etcd | HaPgRole.Haproxy;

        internal static HaPgInventory Valid() => new HaPgInventory
        {
            ClusterName = "pg",
            ClientNetworks = new List<string> { "10.0.0.0/24", "fd00::/64" },
            Nodes = Enumerable.Range(1, 3).Select(i => new HaPgNode { Name = $"node-{i}", Address = $"10.0.0.1{i}", KeyPath = Key, Roles = All }).ToList(),
        };

        private static IReadOnlyList<ValidationIssue> Check(HaPgInventory inventory) => InventoryValidator.Validate(inventory, p => p == Key);

        private static ValidationIssue SingleError(HaPgInventory inventory) => Assert.Single(Check(inventory), i => i.Severity == IssueSeverity.Error);

        [Fact]
        public void ValidInventoryHasNoIssues() => Assert.Empty(Check(Dedicated()));

        // PostgreSQL on node-1..3, etcd on node-4..6, HAProxy on node-4.
        internal static HaPgInventory Dedicated()
        {
            var inventory = Valid();
            inventory.Nodes.ForEach(n => n.Roles = HaPgRole.Postgres);
            inventory.Nodes.AddRange(Enumerable.Range(4, 3).Select(i =>
                new HaPgNode { Name = $"node-{i}", Address = $"10.0.0.1{i}", KeyPath = Key, Roles = i == 4 ? HaPgRole.Etcd | HaPgRole.Haproxy : HaPgRole.Etcd }));
            return inventory;
        }

        [Fact]
        public void EtcdOnPostgresNodesIsOneWarningNamingThemAll()
        {
            var inventory = Valid();
            inventory.Nodes[2].Roles = HaPgRole.Postgres | HaPgRole.Haproxy;
            inventory.Nodes.Add(new HaPgNode { Name = "node-4", Address = "10.0.0.14", KeyPath = Key, Roles = HaPgRole.Etcd });
            var issue = Assert.Single(Check(inventory));
            Assert.Equal(IssueSeverity.Warning, issue.Severity);
            Assert.Equal(InventoryErrorIds.EtcdOnPostgresNodes, issue.Id);
            Assert.StartsWith("etcd shares nodes with PostgreSQL (node-1, node-2):", issue.Message);
            Assert.Contains("etcd-io/etcd#15247", issue.Message);
        }

        public static IEnumerable<object[]> BadInputs()
        {
            object[] Case(string id, string mentions, Action<HaPgInventory> change) => new object[] { id, mentions, change };
            yield return Case(InventoryErrorIds.DuplicateNodeName, "node-1", i => i.Nodes[1].Name = "NODE-1");
            yield return Case(InventoryErrorIds.DuplicateAddress, "node-2", i => i.Nodes[1].Address = "10.0.0.11");
            yield return Case(InventoryErrorIds.InvalidAddress, "node-2", i => i.Nodes[1].Address = "10.0.0.300");
            yield return Case(InventoryErrorIds.InvalidAddress, "node-2", i => i.Nodes[1].Address = "bad_host");
            yield return Case(InventoryErrorIds.InvalidAddress, "node-2", i => i.Nodes[1].Address = "");
            yield return Case(InventoryErrorIds.InvalidNodeName, "10.0.0.12", i => i.Nodes[1].Name = "");
            yield return Case(InventoryErrorIds.InvalidNodeName, "node 2", i => i.Nodes[1].Name = "node 2");
            yield return Case(InventoryErrorIds.InvalidPort, "node-2", i => i.Nodes[1].Port = 0);
            yield return Case(InventoryErrorIds.InvalidPort, "70000", i => i.Ports.HaproxyStats = 70000);
            yield return Case(InventoryErrorIds.TooFewPostgresNodes, "node-1", i => { i.Nodes[1].Roles = HaPgRole.Etcd; i.Nodes[2].Roles = HaPgRole.Etcd; });
            yield return Case(InventoryErrorIds.NoEtcdMember, "pg", i => i.Nodes.ForEach(n => n.Roles &= ~HaPgRole.Etcd));
            yield return Case(InventoryErrorIds.NoHaproxyNode, "pg", i => i.Nodes.ForEach(n => n.Roles &= ~HaPgRole.Haproxy));
            yield return Case(InventoryErrorIds.PortConflict, "5000", i =>
            {
                i.Nodes[1].Roles = i.Nodes[2].Roles = HaPgRole.Postgres | HaPgRole.Etcd;
                i.Ports.Postgres = 5000;
            });
            yield return Case(InventoryErrorIds.PortConflict, "SSH", i => i.Nodes[0].Port = 2379);
            yield return Case(InventoryErrorIds.NodeWithoutRole, "node-3", i => i.Nodes[2].Roles = HaPgRole.None);
            yield return Case(InventoryErrorIds.InvalidClusterName, "pg cluster", i => i.ClusterName = "pg cluster");
            yield return Case(InventoryErrorIds.InvalidClusterName, "1pg", i => i.ClusterName = "1pg");
            yield return Case(InventoryErrorIds.InvalidNamespace, "service", i => i.Namespace = "service");
            yield return Case(InventoryErrorIds.InvalidPostgresVersion, "9", i => i.PostgresVersion = 9);
            yield return Case(InventoryErrorIds.InvalidClientNetwork, "10.0.0.5/24", i => i.ClientNetworks.Add("10.0.0.5/24"));
            yield return Case(InventoryErrorIds.InvalidClientNetwork, "10.0.0.0/33", i => i.ClientNetworks.Add("10.0.0.0/33"));
            yield return Case(InventoryErrorIds.InvalidClientNetwork, "10.0.0.1", i => i.ClientNetworks.Add("10.0.0.1"));
            yield return Case(InventoryErrorIds.ClientNetworkTooBroad, "0.0.0.0/0", i => i.ClientNetworks.Add("0.0.0.0/0"));
            yield return Case(InventoryErrorIds.InvalidUser, "node-1", i => i.Nodes[0].User = "bad user");
            yield return Case(InventoryErrorIds.InvalidHostKey, "node-1", i => i.Nodes[0].HostKeySha256 = "SHA256:tooshort");
            yield return Case(InventoryErrorIds.KeyFileNotFound, "/keys/missing", i => i.Nodes[0].KeyPath = "/keys/missing");
            yield return Case(InventoryErrorIds.NoSshCredential, "node-1", i => i.Nodes[0].KeyPath = null);
            yield return Case(InventoryErrorIds.InvalidSudoMode, "debian", i => { i.Nodes[0].User = "debian"; i.Nodes[0].Sudo = SudoMode.None; });
            yield return Case(InventoryErrorIds.SudoPasswordMissing, "node-1", i => i.Nodes[0].Sudo = SudoMode.Password);
        }

        [Theory]
        [MemberData(nameof(BadInputs))]
        public void EachBadInputHasItsOwnError(string id, string mentions, Action<HaPgInventory> change)
        {
            var inventory = Valid();
            change(inventory);
            var error = SingleError(inventory);
            Assert.Equal(id, error.Id);
            Assert.Contains(mentions, error.Message);
            Assert.NotNull(error.Target);
            Assert.NotNull(error.Key);
        }

        public static IEnumerable<object[]> ControlCharacterFields()
        {
            object[] Case(string key, string shown, Action<HaPgInventory> change) => new object[] { key, shown, change };
            yield return Case("nodes[0].name", "\"db1\\n\"", i => i.Nodes[0].Name = "db1\n");
            yield return Case("nodes[1].address", "\"10.0.0.12\\n\"", i => i.Nodes[1].Address = "10.0.0.12\n");
            yield return Case("nodes[1].address", "\"10.0.0.12\\r\"", i => i.Nodes[1].Address = "10.0.0.12\r");
            yield return Case("nodes[0].user", "\"root\\t\"", i => i.Nodes[0].User = "root\t");
            yield return Case("nodes[0].keyPath", "\"/keys/id\\0\"", i => i.Nodes[0].KeyPath = "/keys/id\0");
            yield return Case("nodes[0].hostKeySha256", "\"SHA256:\\x7f\"", i => i.Nodes[0].HostKeySha256 = "SHA256:\u007f");
            yield return Case("clusterName", "\"pg\\n\"", i => i.ClusterName = "pg\n");
            yield return Case("namespace", "\"/service/\\n\"", i => i.Namespace = "/service/\n");
            yield return Case("knownHostsPath", "\"/kh\\u0085\"", i => i.KnownHostsPath = "/kh\u0085");
            yield return Case("clientNetworks[2]", "\"10.1.0.0/24\\n\"", i => i.ClientNetworks.Add("10.1.0.0/24\n"));
            yield return Case("virtualIP", "\"10.0.0.50/24\\n\"", i => i.VirtualIP = "10.0.0.50/24\n");
        }

        [Theory]
        [MemberData(nameof(ControlCharacterFields))]
        public void AControlCharacterInAnyStringFieldIsOneErrorThatShowsItEscaped(string key, string shown, Action<HaPgInventory> change)
        {
            var inventory = Valid();
            change(inventory);
            var error = SingleError(inventory);
            Assert.Equal(InventoryErrorIds.ControlCharacter, error.Id);
            Assert.Equal(key, error.Key);
            Assert.Contains(shown, error.Message);
            Assert.DoesNotContain(error.Message, char.IsControl);
        }

        [Fact]
        public void AControlCharacterInANodeNameNamesTheNodeByPosition()
        {
            var inventory = Valid();
            inventory.Nodes[1].Name = "node-2\n";
            var error = SingleError(inventory);
            Assert.StartsWith("Node #2 (address '10.0.0.12'): name \"node-2\\n\" holds a control character", error.Message);
            Assert.Same(inventory.Nodes[1], error.Target);
        }

        [Theory]
        [InlineData("10.0.0.1\n")]
        [InlineData("db-1.example.com\n")]
        [InlineData("fd00::1\n")]
        public void AddressesWithATrailingNewlineAreNotValid(string address)
        {
            Assert.False(NetworkSyntax.IsValidAddress(address));
            Assert.False(NetworkSyntax.TryParseIp(address, out _));
        }

        [Theory]
        [InlineData("10.0.0.0/24\n")]
        [InlineData("10.0.0.0/\n24")]
        public void NetworksWithANewlineAreNotValid(string network)
        {
            Assert.False(NetworkSyntax.TryParseCidr(network, out _, out _, out _));
            Assert.False(NetworkSyntax.TryParseHostInNetwork(network.Replace(".0/", ".5/"), out _, out _, out _));
        }

        [Fact]
        public void EveryValidatorPatternIsAnchoredAgainstATrailingNewline()
        {
            var inventory = Valid();
            inventory.ClusterName = "pg\n";
            inventory.Namespace = "/service/\n";
            inventory.Nodes[0].User = "root\n";
            inventory.Nodes[1].HostKeySha256 = "SHA256:" + new string('A', 43) + "\n";
            // The control-character check comes first; without it, each pattern must still refuse.
            var ids = InventoryValidator.ValidateValues(inventory, p => p == Key).Where(i => i.Severity == IssueSeverity.Error).Select(i => i.Id).ToList();
            Assert.Contains(InventoryErrorIds.InvalidClusterName, ids);
            Assert.Contains(InventoryErrorIds.InvalidNamespace, ids);
            Assert.Contains(InventoryErrorIds.InvalidUser, ids);
            Assert.Contains(InventoryErrorIds.InvalidHostKey, ids);
        }

        [Fact]
        public void NodeErrorsTargetTheNode()
        {
            var inventory = Valid();
            inventory.Nodes[1].Address = "10.0.0.300";
            Assert.Same(inventory.Nodes[1], SingleError(inventory).Target);
            Assert.Equal("nodes[1].address", SingleError(inventory).Key);
        }

        [Fact]
        public void PortConflictNamesNodeServicesAndPort()
        {
            var inventory = Valid();
            inventory.Ports.PatroniRest = 7000;
            var errors = Check(inventory).Where(i => i.Severity == IssueSeverity.Error).ToList();
            Assert.Equal(3, errors.Count);
            Assert.All(errors, e => Assert.Equal(InventoryErrorIds.PortConflict, e.Id));
            Assert.Equal("Node 'node-1': Patroni REST API and HAProxy stats would all listen on port 7000; give them different ports.", errors[0].Message);
        }

        [Fact]
        public void PortsOnlyConflictOnTheSameNode()
        {
            var inventory = Valid();
            inventory.Nodes[0].Roles = HaPgRole.Postgres | HaPgRole.Etcd;
            inventory.Nodes[1].Roles = HaPgRole.Postgres | HaPgRole.Etcd;
            inventory.Nodes[2].Roles = HaPgRole.Etcd | HaPgRole.Haproxy;
            inventory.Ports.HaproxyPrimary = 5432;
            Assert.DoesNotContain(Check(inventory), i => i.Severity == IssueSeverity.Error);
        }

        [Fact]
        public void EvenEtcdMembersIsAWarningNamingTheMembers()
        {
            var inventory = Valid();
            inventory.Nodes[2].Roles = HaPgRole.Haproxy;
            var issue = Assert.Single(Check(inventory), i => i.Id != InventoryErrorIds.EtcdOnPostgresNodes);
            Assert.Equal(IssueSeverity.Warning, issue.Severity);
            Assert.Equal(InventoryErrorIds.EvenEtcdMembers, issue.Id);
            Assert.Contains("node-1, node-2", issue.Message);
        }

        [Fact]
        public void LoopbackAddressIsAWarning()
        {
            var inventory = Dedicated();
            inventory.Nodes[0].Address = "127.0.0.1";
            var issue = Assert.Single(Check(inventory));
            Assert.Equal(IssueSeverity.Warning, issue.Severity);
            Assert.Equal(InventoryErrorIds.LoopbackAddress, issue.Id);
        }

        [Fact]
        public void AllErrorsAreReportedInNodeOrder()
        {
            var inventory = Valid();
            inventory.Nodes[0].Address = "not valid";
            inventory.Nodes[2].Name = "node-2";
            var ids = Check(inventory).Where(i => i.Severity == IssueSeverity.Error).Select(i => i.Id).ToArray();
            Assert.Equal(new[] { InventoryErrorIds.InvalidAddress, InventoryErrorIds.DuplicateNodeName }, ids);
        }

        [Fact]
        public void NoNodesIsOneError()
        {
            var inventory = Valid();
            inventory.Nodes.Clear();
            Assert.Equal(InventoryErrorIds.NoNodes, SingleError(inventory).Id);
        }

        [Fact]
        public void CredentialReplacesKeyFiles()
        {
            var inventory = Dedicated();
            inventory.Nodes.ForEach(n => n.KeyPath = null);
            inventory.Credential = new System.Management.Automation.PSCredential("root", "secret".ToSecureString());
            Assert.Empty(Check(inventory));
        }

        [Theory]
        [InlineData("10.0.0.1", true)]
        [InlineData("fd00::1", true)]
        [InlineData("db-1.example.com", true)]
        [InlineData("node1", true)]
        [InlineData("10.0.0.256", false)]
        [InlineData("10.0.0", false)]
        [InlineData("010.0.0.1", false)]
        [InlineData("-node", false)]
        [InlineData("fe80::1%eth0", false)]
        [InlineData("a..b", false)]
        public void AddressSyntaxIsStrict(string address, bool valid) => Assert.Equal(valid, NetworkSyntax.IsValidAddress(address));

        [Theory]
        [InlineData(5, new[] { HaPgRole.Postgres, HaPgRole.Postgres, HaPgRole.Postgres, HaPgRole.Etcd, HaPgRole.Haproxy })]
        [InlineData(3, new[] { All, All, All })]
        [InlineData(4, new[] { HaPgRole.Postgres | HaPgRole.Etcd, HaPgRole.Postgres | HaPgRole.Etcd, HaPgRole.Postgres | HaPgRole.Etcd, HaPgRole.Haproxy })]
        public void DefaultLayoutByNodeCount(int count, HaPgRole[] expected)
        {
            var inventory = new HaPgInventory { Nodes = Enumerable.Range(1, count).Select(i => new HaPgNode { Name = $"n{i}" }).ToList() };
            Assert.True(DefaultLayout.TryApply(inventory));
            Assert.Equal(expected, inventory.Nodes.Select(n => n.Roles));
        }

        [Fact]
        public void DefaultLayoutLeavesExplicitRolesAndOtherCountsAlone()
        {
            var six = new HaPgInventory { Nodes = Enumerable.Range(1, 6).Select(i => new HaPgNode { Name = $"n{i}", Address = $"10.0.0.{i}", KeyPath = Key }).ToList() };
            Assert.False(DefaultLayout.TryApply(six));
            Assert.Equal(InventoryErrorIds.RolesRequired, SingleError(six).Id);

            var partial = Valid();
            partial.Nodes[0].Roles = HaPgRole.None;
            Assert.False(DefaultLayout.TryApply(partial));
            Assert.Equal(HaPgRole.None, partial.Nodes[0].Roles);
        }
    }
}
