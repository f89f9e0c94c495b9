using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Patroni;
using HaPg.Failover;
using HaPg.Failover.Scenarios;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;
using HaPg.Tests.Components;
using HaPg.Tests.Steps;
using Xunit;

namespace HaPg.Tests.Failover
{
    public sealed class FailoverScenariosTests
    {
        private static readonly PatroniMember[] Members =
        {
            new PatroniMember { Name = "pg1", Role = "leader", State = "running" },
            new PatroniMember { Name = "pg2", Role = "replica", State = "streaming", LagBytes = 4096 },
            new PatroniMember { Name = "pg3", Role = "replica", State = "streaming", LagBytes = 0 },
        };

        private static IEnumerable<HaPgFailoverScenario> Scenarios() => Enum.GetValues(typeof(HaPgFailoverScenario)).Cast<HaPgFailoverScenario>();

        /// <summary>A run against <paramref name="inventory"/>, its hosts recording hosts, its pipeline thread this one.</summary>
        private sealed class Run
        {
            public Run(HaPgInventory inventory, string? virtualIPHolder = null, FailoverOptions? options = null)
            {
                Context = new FailoverScenarioContext(inventory, inventory.Nodes[0], options ?? new FailoverOptions(), new FailoverEventLog(new FailoverClock()),
                    Members, Members[0], virtualIPHolder, node => Task.FromResult<IRemoteHost>(Host(node)), action =>
                    {
                        OnPipelineThread++;
                        action();
                        return Task.CompletedTask;
                    }, CancellationToken.None);
            }

            public FailoverScenarioContext Context { get; }
            public Dictionary<string, RecordingHost> Hosts { get; } = new Dictionary<string, RecordingHost>();
            public int OnPipelineThread { get; private set; }

            public RecordingHost Host(HaPgNode node) =>
                Hosts.TryGetValue(node.Name, out var host) ? host : Hosts[node.Name] = new RecordingHost(node);

            public IEnumerable<(FailoverEventKind Kind, string Node, string Message)> Events =>
                Context.Events.Snapshot().Select(e => (e.Kind, e.Node, e.Message));
        }

        private static HaPgInventory WithVirtualIP(int proxies = 2)
        {
            var inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true);
            inventory.Nodes.RemoveAll(n => n.Name == "lb1");
            for (var i = 1; i <= proxies; i++)
            {
                inventory.Nodes.Add(new HaPgNode { Name = $"lb{i}", Address = $"10.0.0.2{i}", Roles = HaPgRole.Haproxy });
            }

            inventory.VirtualIP = "10.0.0.50/24";
            return inventory;
        }

        [Fact]
        public void EveryScenarioHasItsOwnDescriptor()
        {
            foreach (var scenario in Scenarios())
            {
                Assert.Equal(scenario, FailoverScenarios.For(scenario).Scenario);
            }

            Assert.Equal(Scenarios(), FailoverScenarios.All.Select(d => d.Scenario));
            Assert.Equal(FailoverScenarios.All.Count, FailoverScenarios.All.Select(d => d.GetType()).Distinct().Count());
            Assert.Throws<ArgumentOutOfRangeException>(() => FailoverScenarios.For((HaPgFailoverScenario)99));
        }

        [Theory]
        [InlineData(HaPgFailoverScenario.Switchover, "NewLeader", "Switchover", false, false)]
        [InlineData(HaPgFailoverScenario.StopPatroni, "NewLeader", "Shell", true, false)]
        [InlineData(HaPgFailoverScenario.Crash, "NewLeader", "Shell", true, false)]
        [InlineData(HaPgFailoverScenario.Isolate, "NewLeader", "Shell", true, true)]
        [InlineData(HaPgFailoverScenario.ReplicaCrash, "NoChange", "Shell", true, false)]
        [InlineData(HaPgFailoverScenario.EtcdMemberLoss, "NoChange", "Shell", true, false)]
        [InlineData(HaPgFailoverScenario.NodeHardStop, "NewLeader", "WholeNode", true, false)]
        [InlineData(HaPgFailoverScenario.NodeFreeze, "NewLeader", "WholeNode", true, true)]
        [InlineData(HaPgFailoverScenario.HaproxyStop, "VirtualIPMove", "Shell", true, false)]
        [InlineData(HaPgFailoverScenario.HaproxyNodeLoss, "VirtualIPMove", "WholeNode", true, false)]
        public void EachScenarioSaysWhatItExpectsHowItFaultsAndWhetherItWarns(HaPgFailoverScenario scenario, string expectation, string fault, bool heals,
            bool warnsOfOverwrite)
        {
            var descriptor = FailoverScenarios.For(scenario);

            Assert.Equal(expectation, descriptor.Expectation.ToString());
            Assert.Equal(fault, descriptor switch
            {
                ShellFaultScenario => "Shell",
                WholeNodeFaultScenario => "WholeNode",
                _ => descriptor.GetType().Name.Replace("Scenario", string.Empty),
            });
            Assert.Equal(heals, descriptor.NeedsHeal);
            Assert.Equal(warnsOfOverwrite, descriptor.MeetsLeaderKeyOverwrite);
        }

        [Fact]
        public void OnlyTheHoldsWithoutChangeForbidFailedWrites()
        {
            Assert.True(FailoverExpectation.NewLeader.ChangesLeader && !FailoverExpectation.NewLeader.MovesVirtualIP && FailoverExpectation.NewLeader.WritesMayFail);
            Assert.True(!FailoverExpectation.VirtualIPMove.ChangesLeader && FailoverExpectation.VirtualIPMove.MovesVirtualIP && FailoverExpectation.VirtualIPMove.WritesMayFail);
            Assert.True(!FailoverExpectation.NoChange.ChangesLeader && !FailoverExpectation.NoChange.MovesVirtualIP && !FailoverExpectation.NoChange.WritesMayFail);
        }

        [Theory]
        [InlineData(HaPgFailoverScenario.Switchover, "pg1")]
        [InlineData(HaPgFailoverScenario.StopPatroni, "pg1")]
        [InlineData(HaPgFailoverScenario.Crash, "pg1")]
        [InlineData(HaPgFailoverScenario.Isolate, "pg1")]
        [InlineData(HaPgFailoverScenario.NodeHardStop, "pg1")]
        [InlineData(HaPgFailoverScenario.NodeFreeze, "pg1")]
        [InlineData(HaPgFailoverScenario.ReplicaCrash, "pg3")]
        [InlineData(HaPgFailoverScenario.EtcdMemberLoss, "pg3")]
        public void DatabaseScenariosFaultTheLeaderTheBestReplicaOrAnEtcdMemberOffTheLeader(HaPgFailoverScenario scenario, string target)
        {
            Assert.Equal(target, FailoverScenarios.For(scenario).SelectTarget(new Run(TestInventory.ThreeNodes()).Context).Name);
        }

        [Fact]
        public void EtcdMemberLossFaultsTheLastMemberOffTheLeader()
        {
            var inventory = TestInventory.ThreeNodes();
            inventory.Nodes.Reverse();
            var loss = FailoverScenarios.For(HaPgFailoverScenario.EtcdMemberLoss);

            Assert.Equal("pg2", loss.SelectTarget(new Run(inventory).Context).Name);
        }

        [Fact]
        public void EtcdMemberLossIsRefusedWithFewerThanThreeMembers()
        {
            var inventory = TestInventory.ThreeNodes();
            inventory.Nodes[2].Roles &= ~HaPgRole.Etcd;

            var refused = Assert.Throws<HaPgRemoteException>(() => FailoverScenarios.For(HaPgFailoverScenario.EtcdMemberLoss).SelectTarget(new Run(inventory).Context));

            Assert.Equal("HaPg.Failover.TooFewEtcdMembers", refused.ErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.InvalidOperation, refused.Category);
            Assert.Equal("pg1", refused.Node.Name);
            Assert.Equal("EtcdMemberLoss needs at least 3 etcd members; the inventory has 2: losing one would lose quorum.", refused.Message);
        }

        [Theory]
        [InlineData(HaPgFailoverScenario.HaproxyStop)]
        [InlineData(HaPgFailoverScenario.HaproxyNodeLoss)]
        public void VirtualIPScenariosFaultTheHolder(HaPgFailoverScenario scenario)
        {
            Assert.Equal("lb2", FailoverScenarios.For(scenario).SelectTarget(new Run(WithVirtualIP(), "lb2").Context).Name);
        }

        [Theory]
        [InlineData(HaPgFailoverScenario.HaproxyStop, false, 2, "lb1",
            "HaproxyStop needs a virtual IP held by one of at least two HAProxy nodes; the inventory has none (New-HaPgInventory -VirtualIP).")]
        [InlineData(HaPgFailoverScenario.HaproxyNodeLoss, true, 1, "lb1",
            "HaproxyNodeLoss needs a virtual IP held by one of at least two HAProxy nodes; the inventory has 1 HAProxy node(s).")]
        [InlineData(HaPgFailoverScenario.HaproxyStop, true, 2, null,
            "HaproxyStop needs a virtual IP held by one of at least two HAProxy nodes; no HAProxy node holds 10.0.0.50/24 (Test-HaPgCluster).")]
        public void VirtualIPScenariosAreRefusedWithoutAnAddressASecondProxyOrAHolder(HaPgFailoverScenario scenario, bool virtualIP, int proxies, string? holder,
            string message)
        {
            var inventory = WithVirtualIP(proxies);
            if (!virtualIP) inventory.VirtualIP = null;

            var refused = Assert.Throws<HaPgRemoteException>(() => FailoverScenarios.For(scenario).SelectTarget(new Run(inventory, holder).Context));

            Assert.Equal("HaPg.Failover.NoVirtualIP", refused.ErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.InvalidOperation, refused.Category);
            Assert.Equal("pg1", refused.Node.Name);
            Assert.Equal(message, refused.Message);
        }

        [Fact]
        public void AMemberOutsideTheInventoryIsRefused()
        {
            var inventory = TestInventory.ThreeNodes();
            inventory.Nodes.RemoveAt(0);

            var refused = Assert.Throws<HaPgRemoteException>(() => FailoverScenarios.For(HaPgFailoverScenario.Crash).SelectTarget(new Run(inventory).Context));

            Assert.Equal("HaPg.Failover.UnknownMember", refused.ErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, refused.Category);
            Assert.Equal("Patroni member 'pg1' is not in the inventory.", refused.Message);
        }

        [Theory]
        [InlineData(HaPgFailoverScenario.StopPatroni, "systemctl stop patroni", "systemctl start patroni")]
        [InlineData(HaPgFailoverScenario.Crash, "systemctl kill --signal=SIGKILL patroni", "systemctl start patroni")]
        [InlineData(HaPgFailoverScenario.ReplicaCrash, "systemctl kill --signal=SIGKILL patroni", "systemctl start patroni")]
        [InlineData(HaPgFailoverScenario.EtcdMemberLoss, "systemctl stop etcd", "systemctl start etcd")]
        [InlineData(HaPgFailoverScenario.HaproxyStop, "systemctl stop haproxy", "systemctl start haproxy")]
        public async Task ShellFaultsRunTheirCommandOnTheTargetAndLogIt(HaPgFailoverScenario scenario, string inject, string heal)
        {
            var run = new Run(TestInventory.ThreeNodes());
            var target = run.Context.Inventory.Nodes[1];
            var descriptor = FailoverScenarios.For(scenario);

            await descriptor.InjectAsync(run.Context, target, run.Host(target));
            await descriptor.HealAsync(run.Context, target, CancellationToken.None);

            var commands = run.Hosts["pg2"].Commands;
            Assert.Equal(2, commands.Count);
            Assert.EndsWith(inject, commands[0].Text);
            Assert.EndsWith(heal, commands[1].Text);
            Assert.True(commands.All(c => c.Sudo));
            var fault = await ((ShellFaultScenario)descriptor).FaultAsync(run.Context, run.Host(target));
            Assert.Equal(new[] { (FailoverEventKind.FaultInjected, "pg2", fault.Description) }, run.Events);
        }

        [Fact]
        public async Task IsolationSparesTheSessionsOwnAddressAndLiftsItselfAfterTheRecoveryTimeoutAndAMinute()
        {
            var run = new Run(TestInventory.ThreeNodes(), options: new FailoverOptions { RecoveryTimeout = TimeSpan.FromSeconds(30) });
            var target = run.Context.Inventory.Nodes[2];
            run.Host(target).On("SSH_CONNECTION", 0, "10.9.0.1");
            var isolate = FailoverScenarios.For(HaPgFailoverScenario.Isolate);

            await isolate.InjectAsync(run.Context, target, run.Host(target));
            await isolate.HealAsync(run.Context, target, CancellationToken.None);

            var commands = run.Hosts["pg3"].Commands;
            Assert.Equal(FaultInjection.AdminAddressCommand, commands[0].Text);
            Assert.False(commands[0].Sudo);
            Assert.Contains("--on-active=90s", commands[1].Text);
            Assert.Contains("ip saddr 10.9.0.1 tcp dport 2222 accept", commands[1].Text);
            Assert.Equal(FaultInjection.AdminAddressCommand, commands[2].Text);
            Assert.StartsWith("nft delete table inet hapgfault", commands[3].Text);
            Assert.Equal(new[] { (FailoverEventKind.FaultInjected, "pg3", "nftables drops all but SSH from 10.9.0.1; self-heal in 90 s") }, run.Events);
        }

        [Theory]
        [InlineData(HaPgFailoverScenario.NodeHardStop)]
        [InlineData(HaPgFailoverScenario.NodeFreeze)]
        [InlineData(HaPgFailoverScenario.HaproxyNodeLoss)]
        public async Task WholeNodeFaultsRunTheUsersScriptBlocksOnThePipelineThread(HaPgFailoverScenario scenario)
        {
            var calls = new List<string>();
            var run = new Run(TestInventory.ThreeNodes(), options: new FailoverOptions
            {
                InjectNodeFault = node => calls.Add("inject " + node),
                HealNodeFault = node => calls.Add("heal " + node),
            });
            var target = run.Context.Inventory.Nodes[0];
            var descriptor = FailoverScenarios.For(scenario);

            await descriptor.InjectAsync(run.Context, target, run.Host(target));
            await descriptor.HealAsync(run.Context, target, CancellationToken.None);

            Assert.Equal(new[] { "inject pg1", "heal pg1" }, calls);
            Assert.Equal(2, run.OnPipelineThread);
            Assert.Empty(run.Hosts["pg1"].Commands);
            Assert.Equal(new[] { (FailoverEventKind.FaultInjected, "pg1", scenario.ToString()) }, run.Events);
        }

        [Theory]
        [InlineData(HaPgFailoverScenario.NodeHardStop)]
        [InlineData(HaPgFailoverScenario.NodeFreeze)]
        [InlineData(HaPgFailoverScenario.HaproxyNodeLoss)]
        public async Task WholeNodeFaultsNeedInjectFaultAndHealNothingWithoutHealFault(HaPgFailoverScenario scenario)
        {
            var run = new Run(TestInventory.ThreeNodes());
            var target = run.Context.Inventory.Nodes[1];
            var descriptor = FailoverScenarios.For(scenario);

            var refused = await Assert.ThrowsAsync<HaPgRemoteException>(() => descriptor.InjectAsync(run.Context, target, run.Host(target)));
            await descriptor.HealAsync(run.Context, target, CancellationToken.None);

            Assert.Equal("HaPg.Failover.FaultCommandRequired", refused.ErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, refused.Category);
            Assert.Equal("pg2", refused.Node.Name);
            Assert.Equal($"{scenario} needs -InjectFault and -HealFault.", refused.Message);
            Assert.Empty(run.Events);
            Assert.Equal(0, run.OnPipelineThread);
        }

        [Fact]
        public async Task ASwitchoverLeavesNothingToHeal()
        {
            var run = new Run(TestInventory.ThreeNodes());
            var switchover = FailoverScenarios.For(HaPgFailoverScenario.Switchover);

            await switchover.HealAsync(run.Context, run.Context.Inventory.Nodes[0], CancellationToken.None);

            Assert.False(switchover.NeedsHeal);
            Assert.Empty(run.Hosts);
            Assert.Empty(run.Events);
        }

        [Theory]
        [InlineData(HaPgFailoverScenario.HaproxyStop)]
        [InlineData(HaPgFailoverScenario.HaproxyNodeLoss)]
        public async Task AnHaproxyNodeIsBackWhenHaproxyAndKeepalivedRun(HaPgFailoverScenario scenario)
        {
            var run = new Run(WithVirtualIP(), "lb1");
            var target = run.Context.Inventory.FindNode("lb1")!;
            run.Host(target).On("^systemctl is-active haproxy keepalived$", 0, "active\nactive\n");

            Assert.True(await FailoverScenarios.For(scenario).HasRejoinedAsync(run.Context, target, Members));
            Assert.False(run.Hosts["lb1"].Commands.Single().Sudo);
        }

        [Theory]
        [InlineData(HaPgFailoverScenario.HaproxyStop)]
        [InlineData(HaPgFailoverScenario.HaproxyNodeLoss)]
        public async Task AnHaproxyNodeWithAUnitDownIsNotBackYet(HaPgFailoverScenario scenario)
        {
            // systemctl is-active exits 3 then: the runner takes the failed command as "ask again".
            var run = new Run(WithVirtualIP(), "lb1");
            var target = run.Context.Inventory.FindNode("lb1")!;
            run.Host(target).On("^systemctl is-active haproxy keepalived$", 3, "active\nactivating\n");

            await Assert.ThrowsAsync<HaPgRemoteException>(() => FailoverScenarios.For(scenario).HasRejoinedAsync(run.Context, target, Members));
        }

        [Theory]
        [InlineData("streaming", true)]
        [InlineData("stopped", false)]
        public async Task ADatabaseNodeIsBackWhenItIsAReplicaAndItsWalReceiverStreams(string walReceiver, bool back)
        {
            var run = new Run(TestInventory.ThreeNodes());
            var target = run.Context.Inventory.Nodes[1];
            run.Host(target).On("pg_stat_wal_receiver", 0, walReceiver + "\n");

            Assert.Equal(back, await FailoverScenarios.For(HaPgFailoverScenario.Crash).HasRejoinedAsync(run.Context, target, Members));
        }

        [Fact]
        public async Task ADatabaseNodeIsNotBackWhileItLeadsOrPatroniDoesNotListItRunning()
        {
            var run = new Run(TestInventory.ThreeNodes());
            var crash = FailoverScenarios.For(HaPgFailoverScenario.Crash);
            var stopped = new[] { Members[0], new PatroniMember { Name = "pg2", Role = "replica", State = "stopped", LagBytes = 0 } };

            Assert.False(await crash.HasRejoinedAsync(run.Context, run.Context.Inventory.Nodes[0], Members));
            Assert.False(await crash.HasRejoinedAsync(run.Context, run.Context.Inventory.Nodes[1], stopped));
            Assert.Empty(run.Hosts);
        }
    }
}
