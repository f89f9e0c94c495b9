using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
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
        private const string Arm = "systemd-run --quiet --unit=hapg-firewall-rollback --on-active=120 /usr/sbin/nft delete table inet hapg";
        private const string Disarm = "systemctl stop hapg-firewall-rollback.timer >/dev/null 2>&1 || true";

        /// <summary>Three nodes without ufw and without HaPg's table yet: the nftables path, which loads the table.</summary>
        private static OperationHarness Harness() => Harness(out _, out _);

        private static OperationHarness Harness(out Dictionary<string, FakeFiles> files, out Dictionary<string, FakeNft> nft, bool nftablesInstalled = true)
        {
            var harness = new OperationHarness(TestInventory.ThreeNodes(), "Set-HaPgFirewall");
            files = new Dictionary<string, FakeFiles>();
            nft = new Dictionary<string, FakeNft>();
            foreach (var host in harness.Hosts.Values)
            {
                var fakeFiles = files[host.Node.Name] = new FakeFiles(host);
                nft[host.Node.Name] = new FakeNft(host, fakeFiles);
                host.On("os-release", 0, OperationHarness.Debian13)
                    .On("^" + Regex.Escape(UfwRules.ActiveCheckCommand) + "$", 1)
                    .On("^dpkg-query -W", 0, nftablesInstalled ? "ii nftables\n" : string.Empty)
                    .Unit(NftRuleset.UnitName, "enabled", "active");
            }

            return harness;
        }

        /// <summary>Every node already has the wanted files on disk.</summary>
        private static void Deploy(OperationHarness harness, Dictionary<string, FakeFiles> files)
        {
            foreach (var node in harness.Inventory.Nodes)
            {
                files[node.Name].Put(NftRuleset.Render(harness.Inventory, node)).Put(NftRuleset.RenderUnit());
            }
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

        [Fact]
        public void AFileThatMatchesButATableThatDiffersIsReloadedAndReportedChanged()
        {
            using var harness = Harness(out var files, out var nft);
            Deploy(harness, files);
            nft["pg1"].Loaded = "table inet hapg {\n\tchain input {\n\t\ttcp dport 22 accept comment \"ssh\"\n\t}\n}\n"; // someone else's, or an older one
            nft["pg2"].Loaded = null; // flushed
            var wanted = NftRuleset.RenderText(FirewallPlan.ForNode(harness.Inventory, harness.Inventory.Nodes[2]));
            nft["pg3"].Loaded = wanted.Substring(wanted.IndexOf("table inet hapg {", StringComparison.Ordinal));

            var results = new FirewallApply(harness.Context).Run(harness.Inventory.Nodes).Cast<HaPgFirewallResult>().ToDictionary(r => r.Node);

            Assert.Empty(harness.Sink.Errors);
            Assert.True(results["pg1"].Changed);
            Assert.True(results["pg2"].Changed);
            Assert.False(results["pg3"].Changed);
            Assert.Equal((1, 1, 0), (nft["pg1"].Loads, nft["pg2"].Loads, nft["pg3"].Loads));
            Assert.Contains(harness.Hosts["pg1"].Texts, t => t.Contains(Arm));
            Assert.DoesNotContain(harness.Hosts["pg3"].Texts, t => t.Contains("systemd-run"));
            Assert.DoesNotContain(harness.Hosts["pg1"].Commands, c => c.Stdin is not null); // nothing written: the file was right
        }

        [Fact]
        public void TheSafetyTimerIsArmedAfterTheInstallAndBeforeTheRulesAreWrittenAndLoaded()
        {
            using var harness = Harness(out _, out _, nftablesInstalled: false);

            new FirewallApply(harness.Context).Run(harness.Inventory.Nodes);

            Assert.Empty(harness.Sink.Errors);
            foreach (var host in harness.Hosts.Values)
            {
                var texts = host.Texts.ToList();
                var install = texts.FindIndex(t => t.Contains("apt-get") && t.Contains("install --no-install-recommends 'nftables'"));
                var arm = texts.FindIndex(t => t.Contains(Arm));
                var write = texts.FindIndex(t => t.StartsWith("set -e\ntarget='" + NftRuleset.FilePath + "'", StringComparison.Ordinal));
                var load = texts.IndexOf("systemctl restart 'hapg-firewall.service'");
                var disarm = texts.IndexOf(Disarm);
                Assert.True(install >= 0 && install < arm && arm < write && write < load && load < disarm, string.Join("\n", texts));
                Assert.True(texts.FindLastIndex(t => t.Contains("nft list table inet hapg")) > disarm, "the loaded table is checked after disarming");
            }
        }

        [Fact]
        public void ATableTheSafetyTimerRemovedFailsTheNodeWithSafetyTimerFired()
        {
            using var harness = Harness(out _, out var nft);
            nft["pg2"].TimerFired = true;

            var results = new FirewallApply(harness.Context).Run(harness.Inventory.Nodes);

            Assert.Equal(new[] { "pg1", "pg3" }, results.Select(r => r.Node).OrderBy(n => n));
            var error = Assert.Single(harness.Sink.Errors);
            Assert.Equal(("HaPg.Firewall.SafetyTimerFired", "pg2"), (error.FullyQualifiedErrorId, ((HaPgNode)error.TargetObject).Name));
            Assert.Contains("pg2", error.Exception.Message);
        }

        [Fact]
        public void ASecondRunChangesNothingAndArmsNoTimer()
        {
            using var harness = Harness();
            new FirewallApply(harness.Context).Run(harness.Inventory.Nodes);
            foreach (var host in harness.Hosts.Values)
            {
                host.Commands.Clear();
            }

            var second = new FirewallApply(harness.Context).Run(harness.Inventory.Nodes);

            Assert.All(second, r => Assert.False(r.Changed));
            Assert.All(harness.Hosts.Values, h => Assert.DoesNotContain(h.Texts, t => t.Contains("systemd-run") || t.Contains("systemctl restart")));
            Assert.All(harness.Hosts.Values, h => Assert.DoesNotContain(h.Commands, c => c.Stdin is not null));
            Assert.Empty(harness.Sink.Errors);
        }

        private static OperationHarness UfwHarness(out Dictionary<string, FakeUfw> ufw)
        {
            var harness = new OperationHarness(TestInventory.ThreeNodes(), "Set-HaPgFirewall");
            ufw = harness.Hosts.Values.ToDictionary(h => h.Node.Name, h => new FakeUfw(h));
            return harness;
        }

        private static bool ChangesUfw(string command) =>
            command.StartsWith("ufw allow", StringComparison.Ordinal) || command.StartsWith("ufw --force delete", StringComparison.Ordinal)
            || command.StartsWith("ufw default", StringComparison.Ordinal) || command.StartsWith("ufw delete", StringComparison.Ordinal);

        [Fact]
        public void UfwThatAllowsByDefaultIsRefusedBeforeAnyRuleChanges()
        {
            using var harness = UfwHarness(out var ufw);
            ufw["pg2"].DefaultIncoming = "allow";

            var results = new FirewallApply(harness.Context).Run(harness.Inventory.Nodes);

            Assert.Equal(new[] { "pg1", "pg3" }, results.Select(r => r.Node).OrderBy(n => n));
            var error = Assert.Single(harness.Sink.Errors);
            Assert.Equal(("HaPg.Firewall.UfwDefaultAllow", "pg2"), (error.FullyQualifiedErrorId, ((HaPgNode)error.TargetObject).Name));
            Assert.StartsWith("pg2: ", error.Exception.Message);
            Assert.DoesNotContain(harness.Hosts["pg2"].Texts, ChangesUfw);
            Assert.Contains(harness.Hosts["pg1"].Texts, t => t.StartsWith("ufw allow", StringComparison.Ordinal));
        }

        [Fact]
        public void SetDefaultDenyDeniesAfterTheRulesUnderATimerAndProvesALoginBeforeDisarming()
        {
            using var harness = UfwHarness(out var ufw);
            foreach (var fake in ufw.Values) fake.DefaultIncoming = "allow";
            ufw["pg3"].TimerFired = true;

            var results = new FirewallApply(harness.Context) { SetDefaultDeny = true }.Run(harness.Inventory.Nodes).Cast<HaPgFirewallResult>().ToList();

            Assert.Equal(new[] { "pg1", "pg2" }, results.Select(r => r.Node).OrderBy(n => n));
            Assert.All(results, r => Assert.Equal((FirewallSteps.Ufw, true), (r.Backend, r.Changed)));
            var error = Assert.Single(harness.Sink.Errors);
            Assert.Equal(("HaPg.Firewall.SafetyTimerFired", "pg3"), (error.FullyQualifiedErrorId, ((HaPgNode)error.TargetObject).Name));
            var texts = harness.Hosts["pg1"].Texts.ToList();
            var lastAllow = texts.FindLastIndex(t => t.StartsWith("ufw allow", StringComparison.Ordinal));
            var arm = texts.FindIndex(t => t.Contains("systemd-run --quiet --unit=hapg-firewall-rollback --on-active=120 /usr/sbin/ufw default allow incoming"));
            var deny = texts.IndexOf("ufw default deny incoming");
            var disarm = texts.IndexOf(Disarm);
            Assert.True(lastAllow > 0 && lastAllow < arm && arm < deny && deny < disarm, string.Join("\n", texts));
            Assert.Equal("deny", ufw["pg1"].DefaultIncoming);
            Assert.Contains("pg1", harness.FreshLogins);
        }

        [Fact]
        public void UfwWithoutARuleForTheSshPortIsRefusedAndNoWorldOpenSshRuleIsAdded()
        {
            using var harness = UfwHarness(out var ufw);
            ufw["pg3"].Rules.Clear(); // pg3's SSH listens on 2222; nothing admits it
            ufw["pg3"].Rules.Add($"{"22/tcp",-26} {"ALLOW IN",-12}{"Anywhere",-26}");

            var results = new FirewallApply(harness.Context).Run(harness.Inventory.Nodes);

            Assert.Equal(new[] { "pg1", "pg2" }, results.Select(r => r.Node).OrderBy(n => n));
            var error = Assert.Single(harness.Sink.Errors);
            Assert.Equal(("HaPg.Firewall.UfwSshNotAllowed", "pg3"), (error.FullyQualifiedErrorId, ((HaPgNode)error.TargetObject).Name));
            Assert.DoesNotContain(harness.Hosts["pg3"].Texts, ChangesUfw);
            Assert.All(harness.Hosts.Values, h => Assert.DoesNotContain(h.Texts, t => t.Contains("from any") || t.Contains("port 22 ") || t.Contains("port 2222 ")));
        }

        [Fact]
        public void UfwTagsItsRulesRemovesStaleTaggedOnesOnlyAndASecondRunChangesNothing()
        {
            using var harness = UfwHarness(out var ufw);
            var rules = ufw["pg1"].Rules;
            rules.Add($"{"5432/tcp",-26} {"ALLOW IN",-12}{"10.0.0.99",-26} # hapg:demo"); // a node taken out of the inventory
            rules.Add($"{"5432/tcp",-26} {"ALLOW IN",-12}{"10.0.0.98",-26} # hapg:other");
            rules.Add($"{"6432/tcp",-26} {"ALLOW IN",-12}{"10.0.0.97",-26}");

            var first = new FirewallApply(harness.Context).Run(harness.Inventory.Nodes);

            Assert.Empty(harness.Sink.Errors);
            Assert.All(first, r => Assert.True(r.Changed));
            Assert.Contains("ufw --force delete 2", harness.Hosts["pg1"].Texts);
            Assert.DoesNotContain(rules, r => r.Contains("10.0.0.99"));
            Assert.Contains(rules, r => r.Contains("10.0.0.98"));
            Assert.Contains(rules, r => r.Contains("10.0.0.97"));
            Assert.Contains(rules, r => r.StartsWith("22/tcp", StringComparison.Ordinal));
            Assert.Equal(21, rules.Count(r => r.EndsWith("# hapg:demo", StringComparison.Ordinal)));
            foreach (var host in harness.Hosts.Values) host.Commands.Clear();

            var second = new FirewallApply(harness.Context).Run(harness.Inventory.Nodes);

            Assert.All(second, r => Assert.False(r.Changed));
            Assert.All(harness.Hosts.Values, h => Assert.DoesNotContain(h.Texts, ChangesUfw));
            Assert.Equal(2, harness.FreshLogins.Count(n => n == "pg1")); // each run proves a fresh login
        }

        [Fact]
        public void UnderWhatIfListsEachNodesExactUfwAndNftCommands()
        {
            using var harness = Harness();
            harness.Sink.IsWhatIf = true;

            new FirewallApply(harness.Context) { SetDefaultDeny = true }.Run(harness.Inventory.Nodes);

            var pg2 = harness.Sink.Asked.Single(a => a.Target == "pg2 (10.0.0.12)").Action;
            Assert.Contains("[firewall] check: ufw status verbose", pg2);
            Assert.Contains("[firewall] run:   ufw allow proto tcp from 10.0.0.13/32 to any port 5432 comment 'hapg:demo'   (if ufw is active, and no rule has it yet)", pg2);
            Assert.Contains("[firewall] run:   ufw --force delete <n>", pg2);
            Assert.Contains("[firewall] run:   ufw default deny incoming   (if ufw is active and allows by default)", pg2);
            Assert.Contains("[firewall] check: nft list table inet hapg", pg2);
            Assert.Contains("[install nftables] check: dpkg-query -W nftables   (unless ufw is active)", pg2);
            Assert.DoesNotContain("port 22 ", pg2);
        }
    }
}
