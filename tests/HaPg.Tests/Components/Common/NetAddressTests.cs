using HaPg.Components.Common;
using HaPg.Inventory;
using HaPg.Remote;
using Xunit;

namespace HaPg.Tests.Components.Common
{
    public class NetAddressTests
    {
        [Theory]
        [InlineData("10.1.2.3/24", "10.1.2.0/24")]
        [InlineData(" 192.168.7.9 ", "192.168.7.9/32")]
        [InlineData("fd00::1/64", "fd00::/64")]
        public void NormalizesClientNetworks(string input, string expected) =>
            Assert.Equal(expected, NetAddress.ParseClientNetwork(input));

        [Theory]
        [InlineData("0.0.0.0/0", "HaPg.Components.WorldOpenNetwork")]
        [InlineData("::/0", "HaPg.Components.WorldOpenNetwork")]
        [InlineData("10.0.0.0/33", "HaPg.Components.InvalidClientNetwork")]
        [InlineData("office-lan", "HaPg.Components.InvalidClientNetwork")]
        public void RefusesWorldAndGarbage(string input, string errorId)
        {
            var ex = Assert.Throws<HaPgValidationException>(() => NetAddress.ParseClientNetwork(input));
            Assert.Equal(errorId, ex.Issue.Id);
            Assert.Equal(input, ex.Issue.Target);
        }

        [Fact]
        public void NodeHelpersNeedLiteralIps()
        {
            var v4 = new HaPgNode { Name = "a", Address = "10.0.0.1" };
            var v6 = new HaPgNode { Name = "b", Address = "fd00::5" };
            var named = new HaPgNode { Name = "c", Address = "db3.example" };

            Assert.Equal("10.0.0.1/32", NetAddress.HostCidr(v4));
            Assert.Equal("[fd00::5]:2379", NetAddress.HostPort(v6, 2379));
            Assert.Equal("fd00::5/128", NetAddress.HostCidr(v6));
            var ex = Assert.Throws<HaPgValidationException>(() => NetAddress.HostCidr(named));
            Assert.Equal("HaPg.Components.AddressNotIp", ex.Issue.Id);
            Assert.Same(named, ex.Issue.Target);
            Assert.Equal("HaPg.Components.AddressNotIp", ex.Issue.ToErrorRecord().FullyQualifiedErrorId);
        }

        [Fact]
        public void ParsesOsRelease()
        {
            var os = OsRelease.Parse("PRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nID=ubuntu\nID_LIKE=debian\n");
            Assert.Equal("ubuntu", os.Id);
            Assert.Equal("22.04", os.VersionId);
        }
    }
}
