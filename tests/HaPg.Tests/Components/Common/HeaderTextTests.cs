using System;
using System.Linq;
using HaPg.Components.Common;
using HaPg.Components.Etcd;
using HaPg.Components.Firewall;
using HaPg.Components.Haproxy;
using HaPg.Components.Keepalived;
using HaPg.Components.Patroni;
using HaPg.Inventory;
using HaPg.Tests.Components.Keepalived;
using HaPg.Tests.Components.Patroni;
using Xunit;

namespace HaPg.Tests.Components.Common
{
    /// <summary>A node or cluster name written into a file's header comment never brings a raw control character with it.</summary>
    public sealed class HeaderTextTests
    {
        [Theory]
        [InlineData("pg1", "pg1")]
        [InlineData("pg1\n", "pg1\\n")]
        [InlineData("pg1\r\nrule", "pg1\\r\\nrule")]
        [InlineData("a\tb\0c\u007f", "a\\tb\\0c\\x7f")]
        [InlineData("x\u0085\u2028", "x\\u0085\u2028")]
        public void ShowsControlCharactersEscapedAndLeavesPlainTextAlone(string value, string expected)
        {
            Assert.Equal(expected, HeaderText.Of(value));
            Assert.DoesNotContain(HeaderText.Of(value), char.IsControl);
        }

        [Fact]
        public void NullIsEmpty() => Assert.Equal(string.Empty, HeaderText.Of(null));

        public static TheoryData<string> Renderers() => new TheoryData<string> { "nft", "haproxy", "keepalived", "etcd", "patroni" };

        // An inventory changed after it was validated: the renderers still write no raw control character in the header.
        [Theory]
        [MemberData(nameof(Renderers))]
        public void ARendererWritesAnUnvalidatedNameEscapedInItsHeader(string renderer)
        {
            var inventory = VirtualIPTests.TwoProxies();
            var node = renderer == "haproxy" || renderer == "keepalived" ? inventory.Nodes[3] : inventory.Nodes[0];
            node.Name += "\nflush ruleset";
            inventory.ClusterName += "\r";
            string content;
            try
            {
                content = Render(renderer, inventory, node);
            }
            catch (HaPgException refused)
            {
                Assert.DoesNotContain(refused.Message, char.IsControl); // refusing is fine, quoting the raw name is not
                return;
            }

            var header = content.Split('\n').First(l => l.StartsWith("# Managed by HaPg for node", StringComparison.Ordinal));
            Assert.Contains("\\nflush ruleset", header);
            Assert.DoesNotContain(content.Split('\n'), l => l.StartsWith("flush ruleset", StringComparison.Ordinal));
            Assert.DoesNotContain('\r', content);
        }

        private static string Render(string renderer, HaPgInventory inventory, HaPgNode node)
        {
            switch (renderer)
            {
                case "nft": return NftRuleset.Render(inventory, node).Content;
                case "haproxy": return HaproxyConfig.Render(inventory, node, new HaproxySettings { StatsPassword = "St4ts-pass" }).Content;
                case "keepalived": return KeepalivedConfig.Render(inventory, node, "eth0", "Ab3dEf7h").Content;
                case "etcd": return EtcdConfig.Render(inventory, node).Content;
                default: return PatroniConfig.Render(inventory, node, 15, new PatroniSettings(), PatroniConfigTests.Passwords()).Content;
            }
        }
    }
}
