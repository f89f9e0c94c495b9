using System;
using System.Linq;
using System.Management.Automation;
using HaPg.Components.Common;
using HaPg.Components.Haproxy;
using HaPg.Components.Keepalived;
using HaPg.Inventory;
using HaPg.Operations;
using HaPg.Results;
using HaPg.Tests.Components;
using Xunit;

namespace HaPg.Tests.Operations
{
    public class HaproxyInstallTests
    {
        private const string Header =
            "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,\n";

        /// <summary>"show stat" once the checks settled: pg1 leads, so it is UP on 5000 only and the replicas on 5001 only.</summary>
        private static readonly string Settled = Header + string.Concat(
            from proxy in new[] { HaproxyConfig.PrimaryProxy, HaproxyConfig.ReplicasProxy }
            from server in new[] { "pg1", "pg2", "pg3" }
            let up = (proxy == HaproxyConfig.PrimaryProxy) == (server == "pg1")
            select $"{proxy},{server},0,0,0,0,100,0,0,0,,0,,0,0,0,0,{(up ? "UP" : "DOWN")},1,1,0,0,0,60,0,,1,3,1,,0,,2,0,,0,{(up ? "L7OK" : "L7STS")},\n");

        private static HaproxyInstallOptions Options(double advert = KeepalivedConfig.DefaultAdvertSeconds) =>
            new HaproxyInstallOptions { Timeout = TimeSpan.FromSeconds(5), VrrpAdvertInterval = advert };

        /// <summary>Three HAProxy nodes on Debian 13 with a virtual IP that pg1 holds; <paramref name="withoutInterface"/> has no interface for its address.</summary>
        private readonly System.Collections.Generic.Dictionary<string, FakeFiles> files = new System.Collections.Generic.Dictionary<string, FakeFiles>();

        private OperationHarness Harness(string? withoutInterface = null)
        {
            var inventory = TestInventory.ThreeNodes();
            inventory.VirtualIP = "10.0.0.50/24";
            var harness = new OperationHarness(inventory, "Install-HaPgHaproxy");
            foreach (var host in harness.Hosts.Values)
            {
                var own = host.Node.Address;
                files[host.Node.Name] = new FakeFiles(host);
                host.On("os-release", 0, OperationHarness.Debian13)
                    .On("^ip -o -4 addr show to 10\\.0\\.0\\.50$", 0, host.Node.Name == "pg1" ? "2: eth0    inet 10.0.0.50/24 scope global secondary eth0\n" : string.Empty)
                    .On("^ip -o -4 addr show to " + own.Replace(".", "\\.") + "$", 0,
                        host.Node.Name == withoutInterface ? string.Empty : $"2: eth0    inet {own}/24 brd 10.0.0.255 scope global eth0\n")
                    .On("show stat", 0, Settled)
                    .Unit("haproxy", "enabled", "active")
                    .Unit("keepalived", "enabled", "active");
            }

            return harness;
        }

        [Fact]
        public void UnderWhatIfEachNodesPlanHasHaproxyAndKeepalivedOnItsOwnInterfaceAndNothingChanges()
        {
            using var harness = Harness();
            harness.Sink.IsWhatIf = true;

            var ran = new HaproxyInstall(harness.Context, Options()).Run(harness.Inventory.Nodes);

            Assert.Empty(ran);
            Assert.Equal(new[] { "pg1 (10.0.0.11)", "pg2 (10.0.0.12)", "pg3 (10.0.0.13)" }, harness.Sink.Asked.Select(a => a.Target));
            Assert.All(harness.Sink.Asked, a => Assert.StartsWith(HaproxyInstall.Activity, a.Action, StringComparison.Ordinal));
            Assert.All(harness.Sink.Asked, a => Assert.Contains("file:  /etc/haproxy/haproxy.cfg (mode 0600, root:root, content holds secrets, not shown)", a.Action));
            Assert.All(harness.Sink.Asked, a => Assert.Contains("file:  /etc/keepalived/keepalived.conf (mode 0600, root:root, content holds secrets, not shown)", a.Action));
            Assert.All(harness.Sink.Asked, a => Assert.Contains("keepalived -t -f", a.Action));
            // Only the interfaces are read (the config names them); no file, package or service is touched.
            Assert.All(harness.Hosts.Values, h => Assert.Equal(new[] { "ip -o -4 addr show to " + h.Node.Address }, h.Texts));
            Assert.Empty(harness.Sink.Warnings);
            Assert.All(harness.Sink.Results<HaPgHaproxyResult>(), r => Assert.Equal(HaPgStatus.WhatIf, r.Status));
        }

        [Fact]
        public void WithoutAVirtualIPOnlyTheHaproxyNodesGetAPlanWithoutKeepalived()
        {
            using var harness = new OperationHarness(TestInventory.ThreeNodes(dedicatedHaproxy: true), "Install-HaPgHaproxy");
            harness.Sink.IsWhatIf = true;

            new HaproxyInstall(harness.Context, Options()).Run(harness.Inventory.NodesWithRole(HaPgRole.Haproxy).ToList());

            var asked = Assert.Single(harness.Sink.Asked);
            Assert.Equal("lb1 (10.0.0.20)", asked.Target);
            Assert.Contains("file:  /etc/haproxy/haproxy.cfg", asked.Action);
            Assert.DoesNotContain("keepalived", asked.Action);
            Assert.All(harness.Hosts.Values, h => Assert.Empty(h.Commands));
        }

        [Fact]
        public void AdvertsBelowASecondWarnOnceThatVrrpGoesWithoutItsPassword()
        {
            using var harness = Harness();
            harness.Sink.IsWhatIf = true;

            new HaproxyInstall(harness.Context, Options(advert: 0.5)).Run(harness.Inventory.Nodes);

            Assert.Equal("VRRP adverts every 0.5 s need VRRPv3, which carries no authentication: keepalived on pg1, pg2, pg3 runs without the " +
                "VRRP password; the firewall admits VRRP from these nodes only.", Assert.Single(harness.Sink.Warnings));
        }

        [Fact]
        public void ANodeWithoutAnInterfaceForItsAddressStopsTheInstallBeforeAnyChange()
        {
            using var harness = Harness(withoutInterface: "pg3");

            var error = Assert.Throws<HaPgValidationException>(() => new HaproxyInstall(harness.Context, Options()).Run(harness.Inventory.Nodes));

            Assert.Equal(("HaPg.Keepalived.NoInterface", ErrorCategory.ObjectNotFound, "pg3 (10.0.0.13)"), (error.Issue.Id, error.Issue.Category, error.Issue.Target));
            Assert.Contains("the virtual IP 10.0.0.50/24", error.Message);
            Assert.All(harness.Hosts.Values, h => Assert.DoesNotContain(h.Texts, t => t.StartsWith("set -e", StringComparison.Ordinal)));
            Assert.Empty(harness.Sink.Asked);
        }

        [Fact]
        public void ARerunKeepsTheDeployedStatsAndVrrpPasswordsAndSaysWhoHoldsTheAddress()
        {
            using var harness = Harness();
            files["pg1"].Put(HaproxyConfig.FilePath, "global\n\tstats auth 'hapg:Deployed-stats-pw'\n")
                .Put(KeepalivedConfig.FilePath, "vrrp_instance hapg {\n    auth_pass Vrrp1234\n}\n");

            var results = new HaproxyInstall(harness.Context, Options()).Run(harness.Inventory.Nodes).Cast<HaPgHaproxyResult>().ToList();

            Assert.Equal(("Deployed-stats-pw", "Vrrp1234"),
                (harness.Inventory.Secrets.HaproxyStatsPassword!.ToPlainText(), harness.Inventory.Secrets.VrrpPassword!.ToPlainText()));
            Assert.Equal(new[] { "pg1", "pg2", "pg3" }, results.Select(r => r.Node).OrderBy(n => n));
            Assert.All(results, r => Assert.Equal(new[] { "pg1" }, r.PrimaryUp));
            Assert.All(results, r => Assert.Equal(new[] { "pg2", "pg3" }, r.ReplicasUp));
            Assert.All(results, r => Assert.Equal("10.0.0.50/24", r.VirtualIP));
            Assert.Equal(new[] { "pg1" }, results.Where(r => r.HoldsVirtualIP == true).Select(r => r.Node));
            Assert.Empty(harness.Sink.Warnings);
            Assert.Empty(harness.Sink.Errors);
            Assert.All(files.Values, f => Assert.Contains("stats auth 'hapg:Deployed-stats-pw'", f[HaproxyConfig.FilePath]));
            Assert.All(files.Values, f => Assert.Contains("auth_pass Vrrp1234", f[KeepalivedConfig.FilePath]));
        }
    }
}
