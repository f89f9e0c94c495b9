using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using HaPg.Components.Firewall;
using HaPg.Inventory;
using HaPg.Operations;
using HaPg.Remote;
using HaPg.Results;
using HaPg.Tests.Components;
using Xunit;

namespace HaPg.Tests.Operations
{
    public class FirewallApplyTests
    {
        private const string Arm = "systemd-run --quiet --unit=hapg-firewall-rollback --on-active=120";
        private const string Disarm = "systemctl stop hapg-firewall-rollback.timer >/dev/null 2>&1 || true";

        /// <summary>Three nodes without ufw and without HaPg's table yet: the nftables path, which loads the table.</summary>
        private static OperationHarness Harness()
        {
            var harness = new OperationHarness(TestInventory.ThreeNodes(), "Set-HaPgFirewall");
            foreach (var host in harness.Hosts.Values)
            {
                _ = new FakeFiles(host);
                host.On("os-release", 0, OperationHarness.Debian13)
                    .On("^" + System.Text.RegularExpressions.Regex.Escape(UfwRules.ActiveCheckCommand) + "$", 1)
                    .On("nft list table inet hapg", 1)
                    .Unit(NftRuleset.UnitName, "enabled", "active");
            }

            return harness;
        }

        [Fact]
        public void EachNodeProvesAFreshLoginBeforeItsSafetyNetIsDisarmed()
        {
            using var harness = Harness();

            var results = new FirewallApply(harness.Context).Run(harness.Inventory.Nodes).Cast<HaPgFirewallResult>().ToList();

            Assert.Equal(new[] { "pg1", "pg2", "pg3" }, harness.FreshLogins.OrderBy(n => n));
            Assert.Equal(new[] { "pg1", "pg2", "pg3" }, results.Select(r => r.Node).OrderBy(n => n));
            Assert.All(results, r => Assert.Equal((FirewallSteps.Nftables, true, "Set-HaPgFirewall"), (r.Backend, r.Changed, r.Step)));
            Assert.All(harness.Hosts.Values, h => Assert.Contains(Disarm, h.Texts));
            Assert.Empty(harness.Sink.Errors);
        }

        [Fact]
        public void AFailingLoginProofFailsTheNodeAndLeavesItsRulesToRollBack()
        {
            using var harness = Harness();
            harness.FreshLogin = node => node.Name == "pg2"
                ? Task.FromException(new HaPgRemoteException(RemoteErrorId.Timeout, ErrorCategory.OperationTimeout, node,
                    $"{node.Name}: connecting to {node.Address}:{node.Port} timed out"))
                : Task.CompletedTask;

            var results = new FirewallApply(harness.Context).Run(harness.Inventory.Nodes);

            Assert.Equal(new[] { "pg1", "pg3" }, results.Select(r => r.Node).OrderBy(n => n));
            var error = Assert.Single(harness.Sink.Errors);
            Assert.Equal((RemoteErrorId.Timeout, "pg2"), (error.FullyQualifiedErrorId, ((HaPgNode)error.TargetObject).Name));
            var pg2 = harness.Hosts["pg2"].Texts.ToList();
            Assert.Contains(pg2, t => t.Contains(Arm));
            Assert.Contains(pg2, t => t.StartsWith("systemctl restart", StringComparison.Ordinal) || t.Contains(NftRuleset.FilePath));
            Assert.DoesNotContain(Disarm, pg2); // the timer removes the table in two minutes: SSH is never locked out
            Assert.Contains(Disarm, harness.Hosts["pg1"].Texts);
            Assert.Contains(Disarm, harness.Hosts["pg3"].Texts);
        }

        [Fact]
        public void UnderWhatIfShowsTheProofAndOpensNoLogin()
        {
            using var harness = Harness();
            harness.Sink.IsWhatIf = true;

            new FirewallApply(harness.Context).Run(harness.Inventory.Nodes);

            Assert.Empty(harness.FreshLogins);
            Assert.All(harness.Hosts.Values, h => Assert.Empty(h.Commands));
            Assert.Contains(harness.Sink.Asked, a => a.Target == "pg3 (10.0.0.13)"
                && a.Action.Contains("check: a new SSH session to 10.0.0.13:2222 still gets in; then systemctl stop hapg-firewall-rollback.timer"));
            Assert.All(harness.Sink.Results<HaPgFirewallResult>(), r => Assert.Equal(HaPgStatus.WhatIf, r.Status));
        }
    }
}
