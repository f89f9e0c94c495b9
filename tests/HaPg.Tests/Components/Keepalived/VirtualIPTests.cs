using System.Linq;
using HaPg.Components.Firewall;
using HaPg.Components.Haproxy;
using HaPg.Components.Keepalived;
using HaPg.Inventory;
using HaPg.Tests.Inventory;
using Xunit;

namespace HaPg.Tests.Components.Keepalived
{
    public sealed class VirtualIPTests
    {
        /// <summary>PostgreSQL and etcd on node-1..3, HAProxy on node-4 and node-5, the virtual IP 10.0.0.50/24.</summary>
        internal static HaPgInventory TwoProxies()
        {
            var inventory = InventoryValidatorTests.Valid();
            inventory.Nodes.ForEach(n => n.Roles = HaPgRole.Postgres | HaPgRole.Etcd);
            inventory.Nodes.Add(new HaPgNode { Name = "node-4", Address = "10.0.0.14", KeyPath = "/keys/id_ed25519", Roles = HaPgRole.Haproxy });
            inventory.Nodes.Add(new HaPgNode { Name = "node-5", Address = "10.0.0.15", KeyPath = "/keys/id_ed25519", Roles = HaPgRole.Haproxy });
            inventory.VirtualIP = "10.0.0.50/24";
            return inventory;
        }

        private static string Config(HaPgInventory inventory, int node) =>
            KeepalivedConfig.Render(inventory, inventory.Nodes[node], "eth0", "Ab3dEf7h").Content;

        [Fact]
        public void EachNodeIsABackupWithoutPreemptionThatAdvertisesToTheOtherByUnicast()
        {
            var inventory = TwoProxies();
            var first = Config(inventory, 3);
            var second = Config(inventory, 4);

            foreach (var text in new[] { first, second })
            {
                Assert.Contains("\tstate BACKUP\n\tnopreempt\n\tinterface eth0\n", text);
                Assert.Contains("\t\tauth_type PASS\n\t\tauth_pass Ab3dEf7h\n", text);
                Assert.Contains("\t\t10.0.0.50/24 dev eth0\n", text);
                Assert.Contains("\ttrack_script {\n\t\thapg_haproxy\n\t}\n", text);
                Assert.Contains("\tscript \"/usr/bin/systemctl is-active --quiet haproxy.service\"\n", text);
                Assert.Contains($"\tvirtual_router_id {KeepalivedConfig.RouterIdFor("pg")}\n", text);
            }

            Assert.Contains("\tpriority 254\n\tadvert_int 1\n\tunicast_src_ip 10.0.0.14\n\tunicast_peer {\n\t\t10.0.0.15\n\t}\n", first);
            Assert.Contains("\tpriority 253\n\tadvert_int 1\n\tunicast_src_ip 10.0.0.15\n\tunicast_peer {\n\t\t10.0.0.14\n\t}\n", second);
            Assert.DoesNotContain("mcast", first);
        }

        [Fact]
        public void ConfigIsPrivateValidatedAndNamesAGivenRouterId()
        {
            var file = KeepalivedConfig.Render(TwoProxies(), TwoProxies().Nodes[3], "eth0", "Ab3dEf7h", routerId: 42);

            Assert.Equal("0600", file.Mode);
            Assert.True(file.ContainsSecrets);
            Assert.Equal("keepalived -t -f {0}", file.ValidateCommand);
            Assert.Contains("\tvirtual_router_id 42\n", file.Content);
            Assert.Equal("Ab3dEf7h", KeepalivedConfig.ReadPassword(file.Content));
        }

        [Fact]
        public void SubSecondAdvertsSpeakVrrpVersion3WithoutThePassword()
        {
            var fast = KeepalivedConfig.Render(TwoProxies(), TwoProxies().Nodes[3], "eth0", "Ab3dEf7h", advertSeconds: 0.5).Content;

            Assert.Contains("\tversion 3\n\tadvert_int 0.5\n", fast);
            Assert.DoesNotContain("auth_pass", fast);
            Assert.DoesNotContain("Ab3dEf7h", fast);
            Assert.True(KeepalivedConfig.NeedsVersion3(0.5));
            Assert.True(KeepalivedConfig.NeedsVersion3(1.5));
            Assert.False(KeepalivedConfig.NeedsVersion3(1));
            Assert.False(KeepalivedConfig.NeedsVersion3(2));
            Assert.DoesNotContain("version 3", Config(TwoProxies(), 3));
        }

        [Theory]
        [InlineData("eth0;reboot")]
        [InlineData("")]
        public void RefusesAnInterfaceThatIsNotAPlainName(string name)
        {
            var error = Assert.Throws<HaPgValidationException>(() =>
                KeepalivedConfig.Render(TwoProxies(), TwoProxies().Nodes[3], name, "Ab3dEf7h"));
            Assert.Equal("HaPg.Keepalived.InvalidInterface", error.Issue.Id);
        }

        [Fact]
        public void RefusesAPasswordVrrpCannotCarry()
        {
            var error = Assert.Throws<HaPgValidationException>(() =>
                KeepalivedConfig.Render(TwoProxies(), TwoProxies().Nodes[3], "eth0", "123456789"));
            Assert.Equal("HaPg.Keepalived.InvalidPassword", error.Issue.Id);
        }

        [Theory]
        [InlineData("2: eth0    inet 10.0.0.14/24 brd 10.0.0.255 scope global eth0\\       valid_lft forever preferred_lft forever", "eth0")]
        [InlineData("2: host0@if7    inet 10.213.206.14/24 brd 10.213.206.255 scope global host0", "host0")]
        [InlineData("", null)]
        public void ReadsTheInterfaceThatCarriesTheNodesAddress(string output, string? expected) =>
            Assert.Equal(expected, KeepalivedConfig.ParseInterface(output));

        [Fact]
        public void RouterIdIsStableAndInRange()
        {
            Assert.Equal(KeepalivedConfig.RouterIdFor("pg"), KeepalivedConfig.RouterIdFor("pg"));
            Assert.NotEqual(KeepalivedConfig.RouterIdFor("pg"), KeepalivedConfig.RouterIdFor("orders"));
            Assert.All(new[] { "a", "pg", "orders", "failover", "x-1" }.Select(KeepalivedConfig.RouterIdFor), id => Assert.InRange(id, 1, 255));
        }

        [Fact]
        public void HaproxyAlsoListensOnTheVirtualIPButTheStatsPageStaysOnTheNode()
        {
            var settings = new HaproxySettings { StatsPassword = "stats-pw" };
            var text = HaproxyConfig.Render(TwoProxies(), TwoProxies().Nodes[3], settings).Content;

            Assert.Contains("\tbind 10.0.0.14:5000\n\tbind 10.0.0.50:5000 transparent\n", text);
            Assert.Contains("\tbind 10.0.0.14:5001\n\tbind 10.0.0.50:5001 transparent\n", text);
            Assert.DoesNotContain("10.0.0.50:7000", text);

            var withoutVip = TwoProxies();
            withoutVip.VirtualIP = null;
            Assert.DoesNotContain("transparent", HaproxyConfig.Render(withoutVip, withoutVip.Nodes[3], settings).Content);
        }

        [Fact]
        public void FirewallAdmitsVrrpFromTheOtherHaproxyNodeOnly()
        {
            var inventory = TwoProxies();
            var rule = FirewallPlan.ForNode(inventory, inventory.Nodes[3]).Single(r => r.Service == FirewallPlan.Vrrp);

            Assert.Equal(new[] { "10.0.0.15/32" }, rule.Sources);
            Assert.Equal("vrrp", rule.Protocol);
            Assert.DoesNotContain(FirewallPlan.ForNode(inventory, inventory.Nodes[0]), r => r.Service == FirewallPlan.Vrrp);
            var nft = NftRuleset.RenderText(FirewallPlan.ForNode(inventory, inventory.Nodes[3]));
            Assert.Contains("\t\tip saddr { 10.0.0.15/32 } meta l4proto 112 accept comment \"vrrp\"\n\t\tmeta l4proto 112 drop comment \"vrrp\"\n", nft);
            Assert.Contains($"ufw allow proto vrrp from 10.0.0.15/32 comment 'hapg:{inventory.ClusterName}'",
                UfwRules.Commands(FirewallPlan.ForNode(inventory, inventory.Nodes[3]), inventory.ClusterName));

            inventory.VirtualIP = null;
            Assert.DoesNotContain(FirewallPlan.ForNode(inventory, inventory.Nodes[3]), r => r.Service == FirewallPlan.Vrrp);
        }

        [Fact]
        public void ValidVirtualIPHasNoIssue() =>
            Assert.DoesNotContain(InventoryValidator.Validate(TwoProxies(), _ => true), i => i.Id.Contains("VirtualIP"));

        [Theory]
        [InlineData("10.0.0.50", InventoryErrorIds.InvalidVirtualIP, "prefix")]
        [InlineData("10.0.0.0/24", InventoryErrorIds.InvalidVirtualIP, "network's own address")]
        [InlineData("10.0.0.255/24", InventoryErrorIds.InvalidVirtualIP, "broadcast")]
        [InlineData("fd00::50/64", InventoryErrorIds.InvalidVirtualIP, "IPv4")]
        [InlineData("10.0.0.14/24", InventoryErrorIds.VirtualIPInUse, "node-4")]
        [InlineData("10.0.1.50/24", InventoryErrorIds.VirtualIPOutsideNetwork, "node-4 (10.0.0.14), node-5 (10.0.0.15)")]
        public void BadVirtualIPIsAnErrorNamingWhy(string vip, string id, string mentions)
        {
            var inventory = TwoProxies();
            inventory.VirtualIP = vip;

            var issue = Assert.Single(InventoryValidator.Validate(inventory, _ => true), i => i.Severity == IssueSeverity.Error);
            Assert.Equal(id, issue.Id);
            Assert.Contains(mentions, issue.Message);
            Assert.Equal("virtualIP", issue.Key);
        }

        [Fact]
        public void VirtualIPOnASingleHaproxyNodeIsAWarning()
        {
            var inventory = TwoProxies();
            inventory.Nodes.RemoveAt(4);

            var issue = Assert.Single(InventoryValidator.Validate(inventory, _ => true), i => i.Id == InventoryErrorIds.VirtualIPOnOneNode);
            Assert.Equal(IssueSeverity.Warning, issue.Severity);
            Assert.Contains("node-4", issue.Message);
        }

        [Fact]
        public void HighAvailabilityLayoutPutsHaproxyOnTheLastTwoOfFiveNodes()
        {
            var inventory = TwoProxies();
            inventory.Nodes.ForEach(n => n.Roles = HaPgRole.None);

            Assert.Null(DefaultLayout.Apply(inventory, DefaultLayout.HighAvailability));
            Assert.Equal(new[] { "Postgres, Etcd", "Postgres, Etcd", "Postgres, Etcd", "Haproxy", "Haproxy" }, inventory.Nodes.Select(n => n.Roles.ToString()));
        }

        [Fact]
        public void HighAvailabilityLayoutNeedsFiveNodesWithoutRolesAndAVirtualIP()
        {
            var four = TwoProxies();
            four.Nodes.RemoveAt(4);
            four.Nodes.ForEach(n => n.Roles = HaPgRole.None);
            Assert.Equal(InventoryErrorIds.LayoutNotApplicable, DefaultLayout.Apply(four, DefaultLayout.HighAvailability)!.Id);

            var withRoles = TwoProxies();
            Assert.Equal(InventoryErrorIds.LayoutNotApplicable, DefaultLayout.Apply(withRoles, DefaultLayout.HighAvailability)!.Id);

            var noVip = TwoProxies();
            noVip.Nodes.ForEach(n => n.Roles = HaPgRole.None);
            noVip.VirtualIP = null;
            Assert.Equal(InventoryErrorIds.VirtualIPRequired, DefaultLayout.Apply(noVip, DefaultLayout.HighAvailability)!.Id);
            Assert.All(noVip.Nodes, n => Assert.Equal(HaPgRole.None, n.Roles));
        }
    }
}
