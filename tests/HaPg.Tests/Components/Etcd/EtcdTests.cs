using System.Linq;
using HaPg.Components.Common;
using HaPg.Components.Etcd;
using HaPg.Inventory;
using Xunit;

namespace HaPg.Tests.Components.Etcd
{
    public class EtcdTests
    {
        [Theory]
        [InlineData("ubuntu", "20.04", "etcd")]
        [InlineData("ubuntu", "22.04", "etcd-server,etcd-client")]
        [InlineData("ubuntu", "24.04", "etcd-server,etcd-client")]
        [InlineData("debian", "12", "etcd-server,etcd-client")]
        public void PackagesByDistro(string id, string version, string expected) =>
            Assert.Equal(expected.Split(','), EtcdPackages.For(id, version));

        [Theory]
        [InlineData("debian", "11")]
        [InlineData("ubuntu", "18.04")]
        [InlineData("centos", "9")]
        public void UnknownDistroIsRefused(string id, string version) =>
            Assert.Equal("HaPg.Etcd.UnsupportedOs",
                Assert.Throws<HaPgValidationException>(() => EtcdPackages.For(id, version)).Issue.Id);

        [Fact]
        public void RendersOneMemberOfThree()
        {
            var inventory = TestInventory.ThreeNodes();
            var file = EtcdConfig.Render(inventory, inventory.Nodes[1]);
            var lines = file.Content.Split('\n').Where(l => l.StartsWith("ETCD_")).ToList();

            Assert.Equal(new[]
            {
                "ETCD_NAME=\"pg2\"",
                "ETCD_DATA_DIR=\"/var/lib/etcd/demo\"",
                "ETCD_LISTEN_PEER_URLS=\"https://10.0.0.12:2380\"",
                "ETCD_LISTEN_CLIENT_URLS=\"https://10.0.0.12:2379,https://127.0.0.1:2379\"",
                "ETCD_INITIAL_ADVERTISE_PEER_URLS=\"https://10.0.0.12:2380\"",
                "ETCD_ADVERTISE_CLIENT_URLS=\"https://10.0.0.12:2379\"",
                "ETCD_INITIAL_CLUSTER=\"pg1=https://10.0.0.11:2380,pg2=https://10.0.0.12:2380,pg3=https://10.0.0.13:2380\"",
                "ETCD_INITIAL_CLUSTER_TOKEN=\"hapg-demo\"",
                "ETCD_INITIAL_CLUSTER_STATE=\"new\"",
                "ETCD_CERT_FILE=\"/etc/hapg/tls/etcd.crt\"",
                "ETCD_KEY_FILE=\"/etc/hapg/tls/etcd.key\"",
                "ETCD_TRUSTED_CA_FILE=\"/etc/hapg/tls/ca.crt\"",
                "ETCD_CLIENT_CERT_AUTH=\"true\"",
                "ETCD_PEER_CERT_FILE=\"/etc/hapg/tls/etcd.crt\"",
                "ETCD_PEER_KEY_FILE=\"/etc/hapg/tls/etcd.key\"",
                "ETCD_PEER_TRUSTED_CA_FILE=\"/etc/hapg/tls/ca.crt\"",
                "ETCD_PEER_CLIENT_CERT_AUTH=\"true\"",
            }, lines);
            Assert.DoesNotContain("0.0.0.0", file.Content);
            Assert.DoesNotContain("http://", file.Content);
            Assert.Equal(("/etc/default/etcd", "0644", false), (file.Path, file.Mode, file.ContainsSecrets));
        }

        [Fact]
        public void MemberCountRules()
        {
            var inventory = TestInventory.ThreeNodes();
            Assert.Empty(EtcdConfig.Validate(inventory));

            inventory.Nodes[2].Roles &= ~HaPgRole.Etcd;
            var warning = Assert.Single(EtcdConfig.Validate(inventory));
            Assert.Equal(("HaPg.Etcd.EvenMemberCount", IssueSeverity.Warning), (warning.Id, warning.Severity));
            EtcdConfig.Render(inventory, inventory.Nodes[0]);

            inventory.Nodes.ForEach(n => n.Roles &= ~HaPgRole.Etcd);
            var ex = Assert.Throws<HaPgValidationException>(() => EtcdConfig.Render(inventory, inventory.Nodes[0]));
            Assert.Equal("HaPg.Etcd.InvalidMemberCount", ex.Issue.Id);
        }

        [Fact]
        public void SingleMemberAndNonMemberAndHostNames()
        {
            var inventory = TestInventory.ThreeNodes();
            inventory.Nodes[1].Roles = HaPgRole.Postgres;
            inventory.Nodes[2].Roles = HaPgRole.Postgres;
            Assert.Contains("ETCD_INITIAL_CLUSTER=\"pg1=https://10.0.0.11:2380\"", EtcdConfig.Render(inventory, inventory.Nodes[0]).Content);
            Assert.Equal("HaPg.Etcd.NotAMember",
                Assert.Throws<HaPgValidationException>(() => EtcdConfig.Render(inventory, inventory.Nodes[1])).Issue.Id);

            inventory.Nodes[0].Address = "etcd1.example";
            Assert.Contains(EtcdConfig.Validate(inventory), i => i.Id == "HaPg.Components.AddressNotIp" && i.Target == inventory.Nodes[0]);
        }

        [Fact]
        public void CommandsUseApiV3AllEndpointsOverTlsWithTheNodesClientCertificate()
        {
            var inventory = TestInventory.ThreeNodes();
            Assert.Equal(
                "ETCDCTL_API=3 etcdctl --endpoints=https://10.0.0.11:2379,https://10.0.0.12:2379,https://10.0.0.13:2379 " +
                "--cacert=/etc/hapg/tls/ca.crt --cert=/etc/hapg/tls/etcd.crt --key=/etc/hapg/tls/etcd.key endpoint status --write-out=json",
                EtcdStatusParser.StatusCommand(inventory, inventory.Nodes[0]));
            var databaseOnly = new HaPgNode { Name = "pg9", Address = "10.0.0.19", Roles = HaPgRole.Postgres };
            Assert.Contains("--cert=/etc/hapg/tls/postgres.crt --key=/etc/hapg/tls/postgres.key", EtcdStatusParser.HealthCommand(inventory, databaseOnly));
        }

        private const string StatusJson =
            "[{\"Endpoint\":\"https://10.0.0.11:2379\",\"Status\":{\"header\":{\"cluster_id\":14841639068965178418,\"member_id\":10276657743932975437,\"revision\":17,\"raft_term\":4},\"version\":\"3.4.23\",\"dbSize\":20480,\"leader\":10276657743932975437,\"raftIndex\":25,\"raftTerm\":4,\"raftAppliedIndex\":25,\"dbSizeInUse\":16384}}," +
            "{\"Endpoint\":\"https://10.0.0.12:2379\",\"Status\":{\"header\":{\"cluster_id\":14841639068965178418,\"member_id\":3386367651848148101,\"revision\":17,\"raft_term\":4},\"version\":\"3.4.23\",\"dbSize\":24576,\"leader\":10276657743932975437,\"raftIndex\":25,\"raftTerm\":4,\"raftAppliedIndex\":25,\"dbSizeInUse\":16384}}]\n";

        private const string HealthJson =
            "[{\"endpoint\":\"https://10.0.0.11:2379\",\"health\":true,\"took\":\"1.84ms\"},{\"endpoint\":\"https://10.0.0.12:2379\",\"health\":true,\"took\":\"2.1ms\"}," +
            "{\"endpoint\":\"https://10.0.0.13:2379\",\"health\":false,\"took\":\"5.001s\",\"error\":\"context deadline exceeded\"}]\n";

        [Fact]
        public void ParsesStatusWithLeaderAndSizes()
        {
            var members = EtcdStatusParser.ParseStatus(StatusJson);

            Assert.Equal(2, members.Count);
            Assert.Equal(("https://10.0.0.11:2379", true, "3.4.23", 20480L, "10276657743932975437", 4L),
                (members[0].Endpoint, members[0].IsLeader, members[0].Version, members[0].DbSizeBytes, members[0].MemberId, members[0].RaftTerm));
            Assert.False(members[1].IsLeader);
        }

        [Fact]
        public void MergesPerInventoryMember()
        {
            var merged = EtcdStatusParser.Merge(TestInventory.ThreeNodes(), StatusJson, HealthJson);

            Assert.Equal(new[] { "pg1", "pg2", "pg3" }, merged.Select(m => m.Node));
            Assert.True(merged[0].Healthy);
            Assert.True(merged[0].IsLeader);
            Assert.False(merged[2].Healthy);
            Assert.Equal("context deadline exceeded", merged[2].Error);
            Assert.Null(merged[2].Version);

            var noHealth = EtcdStatusParser.Merge(TestInventory.ThreeNodes(), StatusJson, string.Empty);
            Assert.All(noHealth, m => Assert.False(m.Healthy));
        }
    }
}
