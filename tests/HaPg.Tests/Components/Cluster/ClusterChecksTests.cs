using System.Collections.Generic;
using System.Linq;
using HaPg.Components.Cluster;
using HaPg.Components.Etcd;
using HaPg.Components.Haproxy;
using HaPg.Components.Patroni;
using HaPg.Components.Postgres;
using HaPg.Inventory;
using Xunit;

namespace HaPg.Tests.Components.Cluster
{
    public class ClusterChecksTests
    {
        private const long Bound = 1048576;
        private const string Hba =
            "local all all peer\n" +
            "host replication replicator 10.0.0.11/32 scram-sha-256\n" +
            "host all all 10.0.0.20/32 scram-sha-256\n";

        // pg1..pg3 run PostgreSQL and etcd, lb1 runs HAProxy.
        private static readonly HaPgInventory Inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true);

        /// <summary>pg1 leads, pg2 and pg3 stream; HAProxy, etcd and every node's files are as HaPg leaves them.</summary>
        private static ClusterSnapshot Healthy()
        {
            var snapshot = new ClusterSnapshot { AskedMember = "pg1" };
            snapshot.Members.Add(Member("pg1", "leader", "running", lag: null));
            snapshot.Members.Add(Member("pg2", "replica", "streaming", lag: 0));
            snapshot.Members.Add(Member("pg3", "replica", "streaming", lag: 120));
            snapshot.Haproxy["lb1"] = Servers(primaryUp: new[] { "pg1" }, replicasUp: new[] { "pg2", "pg3" });
            foreach (var node in new[] { "pg1", "pg2", "pg3" })
            {
                snapshot.Etcd.Add(new EtcdMemberStatus { Node = node, Endpoint = $"http://{node}:2379", Healthy = true, IsLeader = node == "pg1" });
                var facts = new NodeFacts { WalReceiver = node == "pg1" ? string.Empty : "streaming", PgHba = Hba, DistroUnit = "disabled" };
                facts.DistroStartConf.Add("15/main=disabled");
                facts.FileModes.Add("/etc/patroni/config.yml 600 postgres:postgres");
                facts.FileModes.Add("/var/lib/postgresql/15/demo 700 postgres:postgres");
                snapshot.Nodes[node] = facts;
            }

            return snapshot;
        }

        private static PatroniMember Member(string name, string role, string state, long? lag) =>
            new PatroniMember { Name = name, Role = role, State = state, Timeline = 1, LagBytes = lag };

        private static List<HaproxyServerStatus> Servers(string[] primaryUp, string[] replicasUp)
        {
            var servers = new List<HaproxyServerStatus>();
            foreach (var name in new[] { "pg1", "pg2", "pg3" })
            {
                servers.Add(new HaproxyServerStatus { Proxy = HaproxyConfig.PrimaryProxy, Server = name, Status = primaryUp.Contains(name) ? "UP" : "DOWN" });
                servers.Add(new HaproxyServerStatus { Proxy = HaproxyConfig.ReplicasProxy, Server = name, Status = replicasUp.Contains(name) ? "UP" : "DOWN" });
            }

            return servers;
        }

        private static string[] Split(string names) => names.Split(new[] { ',' }, System.StringSplitOptions.RemoveEmptyEntries);

        private static IReadOnlyList<ClusterCheck> Evaluate(ClusterSnapshot snapshot, long bound = Bound) => ClusterChecks.Evaluate(Inventory, snapshot, bound);

        private static ClusterCheck Single(IEnumerable<ClusterCheck> checks, string name, string node) =>
            Assert.Single(checks, c => c.Name == name && c.Node == node);

        /// <summary>The only failing checks, as "Name node".</summary>
        private static string[] Failures(IEnumerable<ClusterCheck> checks) =>
            checks.Where(c => !c.Passed).Select(c => $"{c.Name} {c.Node}").ToArray();

        [Fact]
        public void AHealthyClusterPassesEveryCheckOnEveryNode()
        {
            var checks = Evaluate(Healthy());

            Assert.Empty(Failures(checks));
            Assert.Equal(new[]
            {
                "OneLeader pg1",
                "ReplicaStreaming pg2", "ReplicaStreaming pg3",
                "HaproxyRoutesWritesToLeader lb1", "HaproxyRoutesReadsToReplicas lb1",
                "EtcdHealthy pg1,pg2,pg3",
                "DistroPostgresDisabled pg1", "PgHbaNotOpenToWorld pg1", "SafeFileModes pg1",
                "DistroPostgresDisabled pg2", "PgHbaNotOpenToWorld pg2", "SafeFileModes pg2",
                "DistroPostgresDisabled pg3", "PgHbaNotOpenToWorld pg3", "SafeFileModes pg3",
            }, checks.Select(c => $"{c.Name} {c.Node}"));
            Assert.Equal("1 leader(s): pg1", Single(checks, ClusterChecks.OneLeader, "pg1").Detail);
            Assert.Equal("UP on 5000: pg1; leader: pg1", Single(checks, ClusterChecks.HaproxyPrimary, "lb1").Detail);
            Assert.Equal("3 member(s) healthy", Single(checks, ClusterChecks.EtcdHealthy, "pg1,pg2,pg3").Detail);
        }

        [Fact]
        public void TwoLeadersFailOneLeaderAndNameBoth()
        {
            var snapshot = Healthy();
            snapshot.Members[1].Role = "leader";

            var oneLeader = Single(Evaluate(snapshot), ClusterChecks.OneLeader, "demo");
            Assert.False(oneLeader.Passed);
            Assert.Equal("2 leader(s): pg1, pg2", oneLeader.Detail);
        }

        [Fact]
        public void NoAnsweringPatroniFailsOneLeaderAndEveryReplica()
        {
            var snapshot = Healthy();
            snapshot.Members.Clear();

            var checks = Evaluate(snapshot);
            Assert.Equal("no database node's Patroni answered", Single(checks, ClusterChecks.OneLeader, "demo").Detail);
            Assert.All(checks.Where(c => c.Name == ClusterChecks.ReplicaStreaming), c =>
            {
                Assert.False(c.Passed);
                Assert.Equal("not a member of the cluster", c.Detail);
            });
            Assert.Equal(3, checks.Count(c => c.Name == ClusterChecks.ReplicaStreaming));
        }

        [Theory]
        [InlineData("")]
        [InlineData("stopping")]
        [InlineData("starting")]
        public void AReplicaWhoseWalReceiverIsNotStreamingFails(string walReceiver)
        {
            var snapshot = Healthy();
            snapshot.Nodes["pg3"].WalReceiver = walReceiver;

            var checks = Evaluate(snapshot);
            Assert.Equal(new[] { "ReplicaStreaming pg3" }, Failures(checks));
            Assert.Contains($"wal receiver '{walReceiver}'", Single(checks, ClusterChecks.ReplicaStreaming, "pg3").Detail);
        }

        [Fact]
        public void AReplicaStuckOnATimelineAheadOfTheLeadersIsNamedDivergedWithItsRepair()
        {
            var snapshot = Healthy();
            snapshot.Members[2].State = "running";
            snapshot.Nodes["pg3"].WalReceiver = string.Empty;
            snapshot.Nodes["pg3"].History = TimelineHistory.Parse("00000002.history:1\t0/3000000\tno recovery target specified");

            var pg3 = Single(Evaluate(snapshot), ClusterChecks.ReplicaStreaming, "pg3");
            Assert.False(pg3.Passed);
            Assert.EndsWith("diverged: it holds the history of timeline 2, ahead of the leader's timeline 1, and cannot follow the leader: " +
                            "Repair-HaPgReplica -Node pg3", pg3.Detail);

            snapshot.Nodes["pg3"].History = TimelineHistory.Parse(string.Empty);
            Assert.DoesNotContain("diverged", Single(Evaluate(snapshot), ClusterChecks.ReplicaStreaming, "pg3").Detail);
        }

        [Fact]
        public void AReplicaFollowingAFreshPromotionIsNotDivergedWhilePatroniStillReportsTheOldTimeline()
        {
            var snapshot = Healthy();
            snapshot.Nodes["pg1"].History = TimelineHistory.Parse("00000002.history:1\t0/3000000\tno recovery target specified");
            snapshot.Nodes["pg3"].WalReceiver = string.Empty;
            snapshot.Nodes["pg3"].History = TimelineHistory.Parse("00000002.history:1\t0/3000000\tno recovery target specified");

            var pg3 = Single(Evaluate(snapshot), ClusterChecks.ReplicaStreaming, "pg3");
            Assert.False(pg3.Passed);
            Assert.DoesNotContain("diverged", pg3.Detail);
        }

        [Fact]
        public void LagOverTheBoundFailsAndLagAtTheBoundPasses()
        {
            var snapshot = Healthy();
            snapshot.Members[2].LagBytes = Bound + 1;
            var over = Single(Evaluate(snapshot), ClusterChecks.ReplicaStreaming, "pg3");
            Assert.False(over.Passed);
            Assert.Contains($"lag {Bound + 1} bytes (bound {Bound})", over.Detail);

            snapshot.Members[2].LagBytes = Bound;
            Assert.True(Single(Evaluate(snapshot), ClusterChecks.ReplicaStreaming, "pg3").Passed);

            snapshot.Members[2].LagBytes = null;
            Assert.Contains("lag unknown bytes", Single(Evaluate(snapshot), ClusterChecks.ReplicaStreaming, "pg3").Detail);
            Assert.False(Single(Evaluate(snapshot), ClusterChecks.ReplicaStreaming, "pg3").Passed);
        }

        [Fact]
        public void ANodeMissingFromPatroniFailsAsNotAMember()
        {
            var snapshot = Healthy();
            snapshot.Members.RemoveAt(2);

            var pg3 = Single(Evaluate(snapshot), ClusterChecks.ReplicaStreaming, "pg3");
            Assert.False(pg3.Passed);
            Assert.Equal("not a member of the cluster", pg3.Detail);
        }

        [Theory]
        [InlineData("pg2")]
        [InlineData("pg1,pg2")]
        [InlineData("")]
        public void HaproxyWritesToAnythingButTheLeaderAloneFail(string up)
        {
            var primaryUp = Split(up);
            var snapshot = Healthy();
            snapshot.Haproxy["lb1"] = Servers(primaryUp, replicasUp: new[] { "pg2", "pg3" });

            var checks = Evaluate(snapshot);
            Assert.Equal(new[] { "HaproxyRoutesWritesToLeader lb1" }, Failures(checks));
            Assert.StartsWith($"UP on 5000: {(primaryUp.Length == 0 ? "none" : string.Join(", ", primaryUp))}; leader: pg1",
                Single(checks, ClusterChecks.HaproxyPrimary, "lb1").Detail);
        }

        [Theory]
        [InlineData("pg1,pg2,pg3")]
        [InlineData("pg2")]
        [InlineData("")]
        public void HaproxyReadsToTheLeaderOrMissingAReplicaFail(string up)
        {
            var replicasUp = Split(up);
            var snapshot = Healthy();
            snapshot.Haproxy["lb1"] = Servers(primaryUp: new[] { "pg1" }, replicasUp);

            var checks = Evaluate(snapshot);
            Assert.Equal(new[] { "HaproxyRoutesReadsToReplicas lb1" }, Failures(checks));
            Assert.EndsWith("running replicas: pg2, pg3", Single(checks, ClusterChecks.HaproxyReplicas, "lb1").Detail);
        }

        [Fact]
        public void AnUnreadHaproxyFailsBothRoutingChecks()
        {
            var snapshot = Healthy();
            snapshot.Haproxy.Clear();

            Assert.Equal(new[] { "HaproxyRoutesWritesToLeader lb1", "HaproxyRoutesReadsToReplicas lb1" }, Failures(Evaluate(snapshot)));
        }

        [Fact]
        public void WithoutALeaderHaproxyWritesFailEvenWithOneServerUp()
        {
            var snapshot = Healthy();
            snapshot.Members[0].Role = "replica";

            var checks = Evaluate(snapshot);
            Assert.False(Single(checks, ClusterChecks.HaproxyPrimary, "lb1").Passed);
            Assert.EndsWith("leader: none", Single(checks, ClusterChecks.HaproxyPrimary, "lb1").Detail);
            Assert.False(Single(checks, ClusterChecks.OneLeader, "demo").Passed);
        }

        [Fact]
        public void AnUnhealthyOrSilentEtcdMemberFailsAndIsNamed()
        {
            var snapshot = Healthy();
            snapshot.Etcd[1].Healthy = false;
            snapshot.Etcd[2].Healthy = null;

            var etcd = Single(Evaluate(snapshot), ClusterChecks.EtcdHealthy, "pg1,pg2,pg3");
            Assert.False(etcd.Passed);
            Assert.Equal("unhealthy: pg2, pg3", etcd.Detail);

            snapshot.Etcd.Clear();
            etcd = Single(Evaluate(snapshot), ClusterChecks.EtcdHealthy, "pg1,pg2,pg3");
            Assert.False(etcd.Passed);
            Assert.Equal("no etcd member answered", etcd.Detail);
        }

        [Theory]
        [InlineData("host all all 0.0.0.0/0 scram-sha-256")]
        [InlineData("host all all ::/0 scram-sha-256")]
        [InlineData("host all all all scram-sha-256")]
        [InlineData("host all all 10.0.0.20/32 trust")]
        [InlineData("host all all 10.0.0.20/32 md5")]
        public void AWorldOpenOrWeakPgHbaEntryFails(string entry)
        {
            var snapshot = Healthy();
            snapshot.Nodes["pg2"].PgHba = Hba + entry + "\n";

            var checks = Evaluate(snapshot);
            Assert.Equal(new[] { "PgHbaNotOpenToWorld pg2" }, Failures(checks));
            Assert.Contains(entry, Single(checks, ClusterChecks.PgHbaClosed, "pg2").Detail);
        }

        [Fact]
        public void AMissingPgHbaFails()
        {
            var snapshot = Healthy();
            snapshot.Nodes["pg1"].PgHba = string.Empty;

            var check = Single(Evaluate(snapshot), ClusterChecks.PgHbaClosed, "pg1");
            Assert.False(check.Passed);
            Assert.Equal("pg_hba.conf not found", check.Detail);
        }

        [Theory]
        [InlineData("/etc/patroni/config.yml 644 postgres:postgres")]
        [InlineData("/etc/patroni/config.yml 600 root:root")]
        [InlineData("/var/lib/postgresql/15/demo 750 postgres:postgres")]
        [InlineData("stat: cannot statx '/etc/patroni/config.yml': No such file or directory")]
        public void AWrongModeOwnerOrMissingFileFails(string line)
        {
            var snapshot = Healthy();
            snapshot.Nodes["pg3"].FileModes[0] = line;

            var checks = Evaluate(snapshot);
            Assert.Equal(new[] { "SafeFileModes pg3" }, Failures(checks));
            Assert.Contains(line, Single(checks, ClusterChecks.SafeFileModes, "pg3").Detail);
        }

        [Fact]
        public void NoFileModesReadFails()
        {
            var snapshot = Healthy();
            snapshot.Nodes["pg3"].FileModes.Clear();

            Assert.False(Single(Evaluate(snapshot), ClusterChecks.SafeFileModes, "pg3").Passed);
        }

        [Theory]
        [InlineData("enabled", "15/main=disabled")]
        [InlineData("disabled", "15/main=auto")]
        [InlineData("disabled", "15/main=manual")]
        public void AnEnabledDistroUnitOrClusterFails(string unit, string startConf)
        {
            var snapshot = Healthy();
            snapshot.Nodes["pg1"].DistroUnit = unit;
            snapshot.Nodes["pg1"].DistroStartConf[0] = startConf;

            var checks = Evaluate(snapshot);
            Assert.Equal(new[] { "DistroPostgresDisabled pg1" }, Failures(checks));
            Assert.Equal($"postgresql.service {unit}; distro clusters: {startConf}", Single(checks, ClusterChecks.DistroPostgresDisabled, "pg1").Detail);
        }

        [Fact]
        public void AnUnreadDatabaseNodeFailsWithoutInventingItsOtherChecks()
        {
            var snapshot = Healthy();
            snapshot.Nodes.Remove("pg2");

            var checks = Evaluate(snapshot);
            Assert.Equal(new[] { "ReplicaStreaming pg2", "DistroPostgresDisabled pg2" }, Failures(checks));
            Assert.Equal("node could not be read", Single(checks, ClusterChecks.DistroPostgresDisabled, "pg2").Detail);
            Assert.DoesNotContain(checks, c => c.Node == "pg2" && (c.Name == ClusterChecks.PgHbaClosed || c.Name == ClusterChecks.SafeFileModes));
        }

        [Fact]
        public void OnlyAStreamingReplicaOverTheBoundIsLaggingOnly()
        {
            var snapshot = new ClusterSnapshot { AskedMember = "pg1" };
            snapshot.Members.Add(new PatroniMember { Name = "pg1", Role = "leader", State = "running" });
            snapshot.Members.Add(new PatroniMember { Name = "pg2", Role = "replica", State = "streaming", LagBytes = 16777216 });
            snapshot.Members.Add(new PatroniMember { Name = "pg3", Role = "replica", State = "streaming", LagBytes = 16777216 });
            snapshot.Members.Add(new PatroniMember { Name = "pg4", Role = "replica", State = "streaming", LagBytes = 100 });
            snapshot.Nodes["pg2"] = new NodeFacts { WalReceiver = "streaming" };
            snapshot.Nodes["pg3"] = new NodeFacts { WalReceiver = "stopping" };
            snapshot.Nodes["pg4"] = new NodeFacts { WalReceiver = "streaming" };

            Assert.Equal(new[] { "pg2" }, ClusterChecks.LaggingOnly(snapshot, 1048576));
            Assert.Empty(ClusterChecks.LaggingOnly(snapshot, 16777216));
        }

        private static HaPgInventory WithVip()
        {
            var inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true);
            inventory.Nodes.Add(new HaPgNode { Name = "lb2", Address = "10.0.0.21", Roles = HaPgRole.Haproxy });
            inventory.VirtualIP = "10.0.0.50/24";
            return inventory;
        }

        [Fact]
        public void VipChecksPassWhenOneNodeHoldsItAndAWriteThroughItRunsOnTheLeader()
        {
            var snapshot = Healthy();
            snapshot.VirtualIPHolders.Add("lb2");
            snapshot.VirtualIPWriteServer = "10.0.0.11";

            var checks = ClusterChecks.Evaluate(WithVip(), snapshot, Bound).Where(c => c.Name.StartsWith("Vip", System.StringComparison.Ordinal)).ToList();

            Assert.Equal(new[] { "PASS VipHeldOnce [lb2] 10.0.0.50/24 held by lb2", "PASS VipServesWrites [pg1] a transaction through 10.0.0.50:5000 ran on pg1; leader: pg1" },
                checks.Select(c => c.ToString()));
            Assert.DoesNotContain(ClusterChecks.Evaluate(Inventory, Healthy(), Bound), c => c.Name.StartsWith("Vip", System.StringComparison.Ordinal));
        }

        [Fact]
        public void VipOnTwoNodesOrOnNoneFailsNamingThem()
        {
            var twice = Healthy();
            twice.VirtualIPHolders.AddRange(new[] { "lb1", "lb2" });
            var none = Healthy();
            none.VirtualIPWriteError = "Connection refused";

            var held = ClusterChecks.Evaluate(WithVip(), twice, Bound).Single(c => c.Name == ClusterChecks.VipHeldOnce);
            Assert.False(held.Passed);
            Assert.Equal("lb1,lb2", held.Node);
            Assert.Contains("held by lb1 and lb2: two nodes answer for one address (VRRP split brain)", held.Detail);
            var writes = ClusterChecks.Evaluate(WithVip(), none, Bound).Single(c => c.Name == ClusterChecks.VipServesWrites);
            Assert.False(writes.Passed);
            Assert.Contains("Connection refused", writes.Detail);
            Assert.False(ClusterChecks.Evaluate(WithVip(), none, Bound).Single(c => c.Name == ClusterChecks.VipHeldOnce).Passed);
        }
    }
}
