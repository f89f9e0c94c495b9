using System.Collections.Generic;
using System.Threading.Tasks;
using HaPg.Components.Patroni;
using HaPg.Inventory;
using HaPg.Results;

namespace HaPg.Failover.Scenarios
{
    /// <summary>The virtual IP's holder stopped hard through -InjectFault, booted through -HealFault: keepalived moves the address, the leader stays.</summary>
    public sealed class HaproxyNodeLossScenario : WholeNodeFaultScenario
    {
        public override HaPgFailoverScenario Scenario => HaPgFailoverScenario.HaproxyNodeLoss;
        public override FailoverExpectation Expectation => FailoverExpectation.VirtualIPMove;

        public override HaPgNode SelectTarget(FailoverScenarioContext run) => FailoverTargets.VirtualIPHolder(run, Scenario);

        public override Task<bool> HasRejoinedAsync(FailoverScenarioContext run, HaPgNode target, IReadOnlyList<PatroniMember> members) =>
            HaproxyAndKeepalivedActiveAsync(run, target);
    }
}
