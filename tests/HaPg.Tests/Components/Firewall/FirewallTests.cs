using System.Linq;
using HaPg.Components.Common;
using HaPg.Components.Firewall;
using HaPg.Inventory;
using Xunit;

namespace HaPg.Tests.Components.Firewall
{
    public class FirewallTests
    {
        private static readonly string[] DbNodes = { "10.0.0.11/32", "10.0.0.12/32", "10.0.0.13/32" };

        [Fact]
        public void DatabaseNodeGetsRulesByRoleWithSshFirst()
        {
            var inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true, "192.168.50.0/24");
            var rules = FirewallPlan.ForNode(inventory, inventory.Nodes[2]);

            Assert.Equal(new[] { "ssh", "postgres", "patroni-rest", "etcd-client", "etcd-peer" }, rules.Select(r => r.Service));
            Assert.Equal(2222, rules[0].Port);
            Assert.True(rules[0].FromAnywhere);
            var withProxy = DbNodes.Append("10.0.0.20/32");
            // Clients may reach PostgreSQL directly, as pg_hba admits them; Patroni's REST API stays cluster-only.
            Assert.Equal(withProxy.Append("192.168.50.0/24"), rules.Single(r => r.Service == "postgres").Sources);
            Assert.Equal(withProxy, rules.Single(r => r.Port == 8008).Sources);
            Assert.Equal(DbNodes, rules.Single(r => r.Port == 2379).Sources);
            Assert.Equal(DbNodes, rules.Single(r => r.Port == 2380).Sources);
            Assert.All(rules, r => Assert.Equal("pg3", r.Node));
        }

        [Fact]
        public void HaproxyNodeOpensListenersToClientNetworksOnly()
        {
            var inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true, "192.168.50.7/24", "fd00:1::/64");
            var rules = FirewallPlan.ForNode(inventory, inventory.Nodes[3]);

            Assert.Equal(new[] { 22, 5000, 5001, 7000 }, rules.Select(r => r.Port));
            Assert.All(rules.Skip(1), r => Assert.Equal(new[] { "192.168.50.0/24", "fd00:1::/64" }, r.Sources));
        }

        [Fact]
        public void WithoutClientNetworksHaproxyIsOpenOnlyToClusterNodes()
        {
            var inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true);
            var stats = FirewallPlan.ForNode(inventory, inventory.Nodes[3]).Single(r => r.Service == "haproxy-stats");

            Assert.Equal(DbNodes.Append("10.0.0.20/32"), stats.Sources);
        }

        [Fact]
        public void WorldOpenClientNetworkAndPortClashesAreRefused()
        {
            var inventory = TestInventory.ThreeNodes(false, "0.0.0.0/0");
            Assert.Equal("HaPg.Components.WorldOpenNetwork",
                Assert.Throws<HaPgValidationException>(() => FirewallPlan.ForCluster(inventory)).Issue.Id);

            inventory = TestInventory.ThreeNodes();
            inventory.Nodes[0].Port = 5432;
            var ex = Assert.Throws<HaPgValidationException>(() => FirewallPlan.ForNode(inventory, inventory.Nodes[0]));
            Assert.Equal("HaPg.Firewall.PortConflict", ex.Issue.Id);
            Assert.Same(inventory.Nodes[0], ex.Issue.Target);
        }

        [Fact]
        public void NftFileOwnsOnlyTheHapgTableAndDropsManagedPortsAfterAccepts()
        {
            var inventory = TestInventory.ThreeNodes(false, "192.168.50.0/24", "fd00:1::/64");
            var file = NftRuleset.Render(inventory, inventory.Nodes[0]);
            var text = file.Content;

            Assert.Equal("/etc/hapg/firewall.nft", file.Path);
            Assert.False(file.ContainsSecrets);
            Assert.Equal("nft -c -f '/tmp/x.nft'", file.ValidateCommandFor("/tmp/x.nft"));
            Assert.DoesNotContain("flush ruleset", text);
            Assert.Equal(new[] { "table inet hapg", "delete table inet hapg", "table inet hapg {" },
                text.Split('\n').Where(l => l.Contains("table inet hapg") && !l.StartsWith("#")));
            Assert.Contains("type filter hook input priority 0; policy accept;", text);
            var lines = text.Split('\n').Select(l => l.Trim()).ToList();
            var ssh = lines.IndexOf("tcp dport 22 accept comment \"ssh\"");
            Assert.True(ssh > 0 && ssh < lines.FindIndex(l => l.Contains("drop")));
            var pgAccept = lines.IndexOf("ip saddr { 10.0.0.11/32, 10.0.0.12/32, 10.0.0.13/32, 192.168.50.0/24 } tcp dport 5432 accept comment \"postgres\"");
            Assert.Contains("ip6 saddr { fd00:1::/64 } tcp dport 5432 accept comment \"postgres\"", lines);
            var pgDrop = lines.IndexOf("tcp dport 5432 drop comment \"postgres\"");
            Assert.True(pgAccept > 0 && pgDrop > pgAccept);
            Assert.Contains("ip6 saddr { fd00:1::/64 } tcp dport 5000 accept comment \"haproxy-primary\"", lines);
            Assert.DoesNotContain(lines, l => l.Contains("dport 22 drop"));
            Assert.Equal(7, lines.Count(l => l.Contains(" drop comment ")));
        }

        [Fact]
        public void UfwCommandsTagEachSourceWithTheClusterAndAddNoSshRule()
        {
            var inventory = TestInventory.ThreeNodes(false, "192.168.50.0/24");
            var commands = UfwRules.Commands(FirewallPlan.ForNode(inventory, inventory.Nodes[0]), "demo");

            Assert.DoesNotContain(commands, c => c.Contains("port 22 "));
            Assert.Contains("ufw allow proto tcp from 10.0.0.12/32 to any port 2380 comment 'hapg:demo'", commands);
            Assert.Contains("ufw allow proto tcp from 192.168.50.0/24 to any port 7000 comment 'hapg:demo'", commands);
            Assert.Contains("ufw allow proto tcp from 192.168.50.0/24 to any port 5432 comment 'hapg:demo'", commands);
            Assert.DoesNotContain(commands, c => c.Contains("deny") || c.Contains("from any"));
            Assert.Equal(4 + 3 + 3 + 3 + 1 + 1 + 1, commands.Count);
        }

        private const string VerboseHeader = "Status: active\nLogging: on (low)\nDefault: {0} (incoming), allow (outgoing), disabled (routed)\nNew profiles: skip\n\n" +
            "To                         Action      From\n--                         ------      ----\n";

        [Theory]
        [InlineData("22/tcp                     ALLOW IN    Anywhere", 22, true)]
        [InlineData("22/tcp (v6)                ALLOW IN    Anywhere (v6)", 22, true)]
        [InlineData("22/tcp (OpenSSH)           ALLOW IN    Anywhere", 22, true)]
        [InlineData("22                         LIMIT IN    192.168.1.0/24", 22, true)]
        [InlineData("2200:2300/tcp              ALLOW IN    Anywhere", 2222, true)]
        [InlineData("80,2222/tcp                ALLOW IN    Anywhere", 2222, true)]
        [InlineData("Anywhere                   ALLOW IN    192.168.1.0/24", 22, true)]
        [InlineData("10.0.0.11 22/tcp on eth0   ALLOW IN    Anywhere", 22, true)]
        [InlineData("22/udp                     ALLOW IN    Anywhere", 22, false)]
        [InlineData("22/tcp                     DENY IN     Anywhere", 22, false)]
        [InlineData("22/tcp                     ALLOW OUT   Anywhere", 22, false)]
        [InlineData("2222/tcp                   ALLOW IN    Anywhere", 22, false)]
        [InlineData("Anywhere                   ALLOW IN    10.0.0.15/vrrp", 22, false)]
        [InlineData("OpenSSH                    ALLOW IN    Anywhere", 22, false)] // plain status: no port to tell
        public void UfwSshCheckReadsEveryFormOfRuleUfwPrints(string line, int sshPort, bool allows)
        {
            Assert.Equal(allows, UfwRules.AllowsSsh(string.Format(VerboseHeader, "deny") + line + "\n", sshPort, "demo"));
        }

        [Fact]
        public void UfwSshCheckIgnoresHapgsOwnRulesAndDefaultsAreRead()
        {
            var status = string.Format(VerboseHeader, "allow") + "Anywhere                   ALLOW IN    10.0.0.12                  # hapg:demo\n";
            Assert.False(UfwRules.AllowsSsh(status, 22, "demo"));
            Assert.Equal("allow", UfwRules.DefaultIncoming(status));
            Assert.False(UfwRules.DeniesByDefault(status));
            Assert.True(UfwRules.DeniesByDefault(string.Format(VerboseHeader, "reject")));
            Assert.True(UfwRules.DeniesByDefault(string.Format(VerboseHeader, "deny")));
        }

        [Fact]
        public void UfwChangesDeleteOnlyThisClustersStaleRulesHighestFirstAndAddOnlyMissingOnes()
        {
            var inventory = TestInventory.ThreeNodes();
            var rules = FirewallPlan.ForNode(inventory, inventory.Nodes[0]);
            var numbered = "Status: active\n\n     To                         Action      From\n     --                         ------      ----\n" +
                "[ 1] 22/tcp                     ALLOW IN    Anywhere\n" +
                "[ 2] 5432/tcp                   ALLOW IN    10.0.0.11                  # hapg:demo\n" +
                "[ 3] 5432/tcp                   ALLOW IN    10.0.0.99                  # hapg:demo\n" +
                "[ 4] 5432/tcp                   ALLOW IN    10.0.0.98                  # hapg:other\n" +
                "[ 5] 8008/tcp                   ALLOW IN    10.0.0.12\n" +
                "[ 6] 8008/tcp                   ALLOW IN    10.0.0.96                  # hapg:demo\n" +
                "[ 7] 22/tcp (v6)                ALLOW IN    Anywhere (v6)\n";

            var (delete, add) = UfwRules.Changes(rules, "demo", numbered);

            Assert.Equal(new[] { 6, 3 }, delete);
            var all = UfwRules.Commands(rules, "demo");
            Assert.Equal(all.Where(c => !c.Contains("from 10.0.0.11/32 to any port 5432 ") && !c.Contains("from 10.0.0.12/32 to any port 8008 ")), add);

            var complete = "Status: active\n\n" + string.Concat(all.Select((c, i) =>
            {
                var fields = c.Split(' ');
                return $"[{i + 1,2}] {fields[9] + "/tcp",-26} {"ALLOW IN",-12}{fields[5].Replace("/32", string.Empty),-26} # hapg:demo\n";
            }));
            Assert.Equal((0, 0), (UfwRules.Changes(rules, "demo", complete).Delete.Count, UfwRules.Changes(rules, "demo", complete).Add.Count));
        }

        [Fact]
        public void NftFileCarriesTheSha256OfItsRulesAndOnlyThatTableCountsAsLoaded()
        {
            var inventory = TestInventory.ThreeNodes();
            var text = NftRuleset.RenderText(FirewallPlan.ForNode(inventory, inventory.Nodes[0]));
            var other = NftRuleset.RenderText(FirewallPlan.ForNode(inventory, inventory.Nodes[1]));
            var marker = NftRuleset.MarkerOf(text);

            Assert.Matches("^hapg:sha256:[0-9a-f]{64}$", marker);
            Assert.Contains($"\t\tiif \"lo\" accept comment \"{marker}\"\n", text);
            Assert.NotEqual(marker, NftRuleset.MarkerOf(other));
            var listed = text.Substring(text.IndexOf("table inet hapg {", System.StringComparison.Ordinal)).Replace("/32", string.Empty); // as nft shows it
            Assert.True(NftRuleset.IsLoaded(listed, text));
            Assert.False(NftRuleset.IsLoaded(null, text));
            Assert.False(NftRuleset.IsLoaded(listed, other));
            var oneRuleGone = string.Join("\n", listed.Split('\n').Where(l => !l.Contains("dport 5432 drop")));
            Assert.False(NftRuleset.IsLoaded(oneRuleGone, text));
        }

        [Fact]
        public void UnitLoadsTheFileAfterNftablesService()
        {
            var unit = NftRuleset.RenderUnit().Content;
            Assert.Contains("After=nftables.service\n", unit);
            Assert.Contains("PartOf=nftables.service\n", unit);
            Assert.Contains("ExecStart=/usr/sbin/nft -f /etc/hapg/firewall.nft\n", unit);
            Assert.Contains("ExecStop=/usr/sbin/nft delete table inet hapg\n", unit);
        }

        [ToolFact("nft")]
        public void NftAcceptsTheRenderedFileInCheckMode()
        {
            var inventory = TestInventory.ThreeNodes(true, "192.168.50.0/24", "fd00:1::/64");
            foreach (var node in inventory.Nodes)
            {
                var (exit, output) = ToolRunner.RunOnFile("nft", "-c -f {0}", NftRuleset.Render(inventory, node).Content);
                Assert.True(exit == 0, $"{node.Name}: nft -c failed: {output}");
            }

            var broken = ToolRunner.RunOnFile("nft", "-c -f {0}", "table inet hapg {\n chain input { tcp dport drop }\n}\n");
            Assert.NotEqual(0, broken.ExitCode);
        }
    }
}
