using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Cluster;
using HaPg.Components.Patroni;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Tests.Operations;
using Xunit;
using static HaPg.Tests.Operations.PatroniFake;

namespace HaPg.Tests.Components.Cluster
{
    public class ClusterReaderTests
    {
        private static readonly string Healthy = ClusterJson(Replica("pg1"), Replica("pg2"), Leader("pg3"));

        private static ClusterSnapshot Read(OperationHarness harness, ClusterViews views) =>
            ClusterReader.Read(harness.Runner, harness.Inventory, harness.Inventory.Nodes, views, 5);

        [Fact]
        public void MembersComeFromTheFirstDatabaseNodeThatAnswers()
        {
            using var harness = new OperationHarness(TestInventory.ThreeNodes());
            harness.Hosts["pg1"].Unreachable();
            harness.Hosts["pg2"].PatroniDown();
            harness.Hosts["pg3"].AnswersCluster(Healthy);

            var cluster = Read(harness, ClusterViews.Members);

            Assert.Equal("pg3", cluster.AskedMember);
            Assert.Equal(new[] { "pg1 replica streaming", "pg2 replica streaming", "pg3 leader running" }, cluster.Members.Select(m => m.ToString()));
            Assert.Equal("pg3", cluster.Leader!.Name);
            var error = Assert.Single(harness.Sink.Errors);
            Assert.Equal(RemoteErrorId.Unreachable, error.FullyQualifiedErrorId);
            Assert.Equal("pg1", ((HaPgNode)error.TargetObject).Name);
            Assert.All(new[] { "pg2", "pg3" }, n => Assert.Single(harness.Hosts[n].Commands)); // only GET /cluster: no facts asked
        }

        [Fact]
        public void WhenNoPatroniAnswersThereIsNoLeaderAndNoReplica()
        {
            using var harness = new OperationHarness(TestInventory.ThreeNodes());
            foreach (var host in harness.Hosts.Values)
            {
                host.PatroniDown();
            }

            var cluster = Read(harness, ClusterViews.Members);

            Assert.Empty(cluster.Members);
            Assert.Null(cluster.AskedMember);
            Assert.Null(cluster.Leader);
            Assert.Empty(cluster.RunningReplicas);
            Assert.Empty(cluster.Diverged);
        }

        [Fact]
        public void RunningReplicasAreThoseOfPatroni3AndPatroni4()
        {
            var cluster = new ClusterSnapshot();
            cluster.Members.AddRange(PatroniRestParser.ParseCluster(ClusterJson(Leader("pg1"), Replica("pg2", "running"), Replica("pg3", "streaming", role: "sync_standby"))));
            cluster.Members.Add(new PatroniMember { Name = "pg4", Role = "replica", State = "starting" });
            cluster.Members.Add(new PatroniMember { Name = "pg5", Role = "replica", State = "stopped" });

            Assert.Equal(new[] { "pg2", "pg3" }, cluster.RunningReplicas.Select(m => m.Name));
            Assert.False(cluster.Member("pg1")!.IsRunningReplica);
            Assert.Null(cluster.Member("pg9"));
        }

        [Fact]
        public void TwoLeadersAreNoLeader()
        {
            var cluster = new ClusterSnapshot();
            cluster.Members.Add(new PatroniMember { Name = "pg1", Role = "leader", State = "running" });
            cluster.Members.Add(new PatroniMember { Name = "pg2", Role = "standby_leader", State = "running" });

            Assert.Null(cluster.Leader);
        }

        [Fact]
        public void ADivergedReplicaIsFoundAndAStreamingOneIsNot()
        {
            using var harness = new OperationHarness(TestInventory.ThreeNodes());
            harness.Hosts["pg1"].AnswersCluster(ClusterJson(Leader("pg1"), Replica("pg2"), Replica("pg3", "running"))).AnswersReplicaFacts(string.Empty, History6);
            harness.Hosts["pg2"].PatroniDown().AnswersReplicaFacts("streaming", History6);
            harness.Hosts["pg3"].PatroniDown().AnswersReplicaFacts(string.Empty, History7);

            var cluster = Read(harness, ClusterViews.Replicas);

            Assert.Equal(6, cluster.LeaderHistory!.Timeline);
            Assert.Null(cluster.RepairReason("pg1"));
            Assert.Null(cluster.RepairReason("pg2"));
            var diverged = Assert.Single(cluster.Diverged);
            Assert.Equal("pg3", diverged.Key);
            Assert.Equal("diverged: it holds the history of timeline 7, ahead of the leader's timeline 6, and cannot follow the leader", diverged.Value);
            Assert.Equal(Start, cluster.Nodes["pg3"].PostmasterStart);
        }

        [Fact]
        public void AReplicaThatDoesNotStreamButSharesTheLeadersHistoryNeedsARepairButIsNotDiverged()
        {
            using var harness = new OperationHarness(TestInventory.ThreeNodes());
            harness.Hosts["pg1"].AnswersCluster(ClusterJson(Leader("pg1"), Replica("pg2", "starting"), Replica("pg3"))).AnswersReplicaFacts(string.Empty, History6);
            harness.Hosts["pg2"].AnswersReplicaFacts(string.Empty, History6);
            harness.Hosts["pg3"].Unreachable();

            var cluster = Read(harness, ClusterViews.Replicas);

            Assert.Equal("not streaming (state starting, wal receiver '')", cluster.RepairReason("pg2"));
            Assert.Empty(cluster.Diverged);
            Assert.False(cluster.Nodes.ContainsKey("pg3"));
        }

        [Fact]
        public void NodeByNodeItStopsAskingPatroniOnceOneAnswered()
        {
            using var harness = new OperationHarness(TestInventory.ThreeNodes());
            harness.Hosts["pg1"].Unreachable();
            harness.Hosts["pg2"].AnswersCluster(Healthy);
            harness.Hosts["pg3"].AnswersCluster(Healthy);

            var cluster = ClusterReader.ReadAsync(harness.Inventory, node => Task.FromResult<IRemoteHost>(harness.Hosts[node.Name]), ClusterViews.Members,
                CancellationToken.None).GetAwaiter().GetResult();

            Assert.Equal(("pg2", "pg3"), (cluster.AskedMember, cluster.Leader!.Name));
            Assert.Empty(harness.Hosts["pg3"].Commands);
        }

        [Fact]
        public void NodeByNodeWithTheReplicasItReadsEveryDatabaseNodesFactsAndFindsTheDivergedOne()
        {
            using var harness = new OperationHarness(TestInventory.ThreeNodes());
            harness.Hosts["pg1"].AnswersCluster(ClusterJson(Leader("pg1"), Replica("pg2"), Replica("pg3", "running"))).AnswersReplicaFacts(string.Empty, History6);
            harness.Hosts["pg2"].AnswersCluster(() => throw new Xunit.Sdk.XunitException("asked pg2 again")).AnswersReplicaFacts("streaming", History6);
            harness.Hosts["pg3"].AnswersReplicaFacts(string.Empty, History7);

            var cluster = ClusterReader.ReadAsync(harness.Inventory, node => Task.FromResult<IRemoteHost>(harness.Hosts[node.Name]), ClusterViews.Replicas,
                CancellationToken.None).GetAwaiter().GetResult();

            Assert.Equal(new[] { "pg3" }, cluster.Diverged.Keys);
            Assert.Equal(new[] { "pg1", "pg2", "pg3" }, cluster.Nodes.Keys.OrderBy(k => k));
        }

        [Fact]
        public void TheSafetyViewReadsTheReplicaFactsAndTheSafetyFactsInOneCommand()
        {
            using var harness = new OperationHarness(TestInventory.ThreeNodes());
            foreach (var host in harness.Hosts.Values)
            {
                host.AnswersCluster(Healthy)
                    .On("^ls -d /usr/lib/postgresql", 0, "/usr/lib/postgresql/15/bin\n")
                    .On("--hapg--", 0, $"streaming|{Start}|{History6}\n--hapg--\nlocal all all peer\n--hapg--\ndisabled\n--hapg--\n15/main=disabled\n--hapg--\n" +
                                       "/etc/patroni/config.yml 600 postgres:postgres\n/var/lib/postgresql/15/demo 700 postgres:postgres\n");
            }

            var cluster = Read(harness, ClusterViews.Safety);

            var facts = cluster.Nodes["pg2"];
            Assert.Equal(("streaming", 6L, Start), (facts.WalReceiver, facts.History!.Timeline, facts.PostmasterStart));
            Assert.Equal(("local all all peer", "disabled"), (facts.PgHba, facts.DistroUnit));
            Assert.Equal(new[] { "15/main=disabled" }, facts.DistroStartConf);
            Assert.Equal(2, facts.FileModes.Count);
            Assert.Single(harness.Hosts["pg2"].Commands, c => c.Text.Contains("pg_stat_wal_receiver"));
            Assert.Empty(cluster.Haproxy);
        }

        [Fact]
        public void TheHaproxyViewReadsEveryHaproxyNodeAndNoDatabaseFacts()
        {
            using var harness = new OperationHarness(TestInventory.ThreeNodes(dedicatedHaproxy: true));
            harness.Hosts["pg1"].AnswersCluster(Healthy);
            harness.Hosts["lb1"].AnswersHaproxy("pg3", "pg1", "pg2");

            var cluster = Read(harness, ClusterViews.Haproxy);

            Assert.Equal(new[] { "lb1" }, cluster.Haproxy.Keys);
            Assert.Equal(new[] { "pg3" }, cluster.Haproxy["lb1"].Where(s => s.Proxy == "primary" && s.IsUp).Select(s => s.Server));
            Assert.Empty(cluster.Nodes);
            Assert.Empty(cluster.Etcd);
            Assert.DoesNotContain(harness.Hosts.Values.SelectMany(h => h.Texts), t => t.Contains("pg_stat_wal_receiver") || t.Contains("etcdctl"));
        }
    }
}
