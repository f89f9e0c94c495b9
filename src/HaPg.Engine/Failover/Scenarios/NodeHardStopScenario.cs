using HaPg.Inventory;
using HaPg.Results;

namespace HaPg.Failover.Scenarios
{
    /// <summary>The leader's whole node stopped hard (power loss) through -InjectFault, booted through -HealFault: a replica takes the lead.</summary>
    public sealed class NodeHardStopScenario : WholeNodeFaultScenario
    {
        public override HaPgFailoverScenario Scenario => HaPgFailoverScenario.NodeHardStop;
        public override FailoverExpectation Expectation => FailoverExpectation.NewLeader;

        public override HaPgNode SelectTarget(FailoverScenarioContext run) => FailoverTargets.Leader(run);
    }
}
