using System;
using System.Linq;
using HaPg.Components.Patroni;
using HaPg.Failover;
using HaPg.Failover.Scenarios;
using HaPg.Results;
using Xunit;

namespace HaPg.Tests.Failover
{
    public class FaultInjectionTests
    {
        [Fact]
        public void IsolationSchedulesItsOwnHealBeforeTheCutAndKeepsTheAdminSsh()
        {
            var fault = FaultInjection.Isolate("10.9.0.1", 2222, TimeSpan.FromSeconds(150));

            var schedule = fault.Inject.IndexOf("systemd-run --quiet --unit=hapg-heal-isolation --on-active=150s /usr/sbin/nft delete table inet hapgfault", StringComparison.Ordinal);
            var cut = fault.Inject.IndexOf("nft -f -", StringComparison.Ordinal);
            Assert.True(schedule >= 0 && cut > schedule, fault.Inject);
            Assert.Contains("ip saddr 10.9.0.1 tcp dport 2222 accept", fault.Inject);
            Assert.Contains("ip daddr 10.9.0.1 tcp sport 2222 accept", fault.Inject);
            Assert.Contains("policy drop", fault.Inject);
            Assert.StartsWith("nft delete table inet hapgfault", fault.Heal);
            Assert.Contains("systemctl stop hapg-heal-isolation.timer", fault.Heal);
        }

        [Fact]
        public void IsolationOfAnIpv6AdminUsesIp6Matches()
        {
            var fault = FaultInjection.Isolate("fd00::1", 22, TimeSpan.FromSeconds(60));
            Assert.Contains("ip6 saddr fd00::1 tcp dport 22 accept", fault.Inject);
        }

        [Fact]
        public void CrashKillsEveryProcessOfTheUnitAndKeepsItDownUntilHealed()
        {
            var fault = FaultInjection.Crash();

            var dropIn = fault.Inject.IndexOf("Restart=no", StringComparison.Ordinal);
            var kill = fault.Inject.IndexOf("systemctl kill --signal=SIGKILL patroni", StringComparison.Ordinal);
            Assert.True(dropIn >= 0 && kill > dropIn, fault.Inject);
            Assert.Contains("/run/systemd/system/patroni.service.d/hapg-fault.conf", fault.Heal);
            Assert.EndsWith("systemctl start patroni", fault.Heal);
        }

        [Fact]
        public void ReplicaEtcdAndHaproxyFaultsKeepTheLeaderAndOnlyHaproxyFaultsMoveTheVirtualIP()
        {
            var all = Enum.GetValues(typeof(HaPgFailoverScenario)).Cast<HaPgFailoverScenario>().ToList();
            Assert.Equal(new[] { HaPgFailoverScenario.ReplicaCrash, HaPgFailoverScenario.EtcdMemberLoss, HaPgFailoverScenario.HaproxyStop, HaPgFailoverScenario.HaproxyNodeLoss },
                all.Where(s => !FailoverScenarios.For(s).Expectation.ChangesLeader));
            Assert.Equal(new[] { HaPgFailoverScenario.HaproxyStop, HaPgFailoverScenario.HaproxyNodeLoss }, all.Where(s => FailoverScenarios.For(s).Expectation.MovesVirtualIP));
        }

        [Fact]
        public void HaproxyStopStopsAndStartsHaproxyOnly()
        {
            var fault = FaultInjection.StopHaproxy();
            Assert.Equal("systemctl stop haproxy", fault.Inject);
            Assert.Equal("systemctl start haproxy", fault.Heal);
        }

        [Fact]
        public void BestCandidateIsTheRunningReplicaWithTheLeastLag()
        {
            var members = new[]
            {
                new PatroniMember { Name = "a", Role = "leader", State = "running" },
                new PatroniMember { Name = "b", Role = "replica", State = "running", LagBytes = 4096 },
                new PatroniMember { Name = "c", Role = "replica", State = "streaming", LagBytes = 0 },
                new PatroniMember { Name = "d", Role = "replica", State = "stopped", LagBytes = 0 },
            };

            Assert.Equal("c", PatroniSwitchover.BestCandidate(members)!.Name);
            Assert.Null(PatroniSwitchover.Refusal(members, members[1]));

            members[1].Role = PatroniSwitchover.SyncStandbyRole;
            Assert.Equal("b", PatroniSwitchover.BestCandidate(members)!.Name);
            Assert.Contains("only a synchronous standby (b)", PatroniSwitchover.Refusal(members, members[2]));
            Assert.Null(PatroniSwitchover.BestCandidate(members.Where(m => m.Name is "a" or "d")));
        }
    }
}
