using HaPg.Inventory;
using HaPg.Results;

namespace HaPg.Failover.Scenarios
{
    /// <summary>The leader's whole node frozen through -InjectFault and thawed through -HealFault: a replica takes the lead, and the thawed leader must follow it.</summary>
    public sealed class NodeFreezeScenario : WholeNodeFaultScenario
    {
        public override HaPgFailoverScenario Scenario => HaPgFailoverScenario.NodeFreeze;
        public override FailoverExpectation Expectation => FailoverExpectation.NewLeader;
        public override bool MeetsLeaderKeyOverwrite => true;

        public override HaPgNode SelectTarget(FailoverScenarioContext run) => FailoverTargets.Leader(run);
    }
}
