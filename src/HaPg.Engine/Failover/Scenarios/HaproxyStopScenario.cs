using System.Collections.Generic;
using System.Threading.Tasks;
using HaPg.Components.Patroni;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.Failover.Scenarios
{
    /// <summary>systemctl stop haproxy on the virtual IP's holder: keepalived moves the address, the leader stays.</summary>
    public sealed class HaproxyStopScenario : ShellFaultScenario
    {
        public override HaPgFailoverScenario Scenario => HaPgFailoverScenario.HaproxyStop;
        public override FailoverExpectation Expectation => FailoverExpectation.VirtualIPMove;

        public override HaPgNode SelectTarget(FailoverScenarioContext run) => FailoverTargets.VirtualIPHolder(run, Scenario);

        public override Task<FaultInjection> FaultAsync(FailoverScenarioContext run, IRemoteHost host) => Task.FromResult(FaultInjection.StopHaproxy());

        public override Task<bool> HasRejoinedAsync(FailoverScenarioContext run, HaPgNode target, IReadOnlyList<PatroniMember> members) =>
            HaproxyAndKeepalivedActiveAsync(run, target);
    }
}
