using System.Threading.Tasks;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.Failover.Scenarios
{
    /// <summary>systemctl stop patroni on the leader, the recipe's own test: Patroni hands over and a replica takes the lead.</summary>
    public sealed class StopPatroniScenario : ShellFaultScenario
    {
        public override HaPgFailoverScenario Scenario => HaPgFailoverScenario.StopPatroni;
        public override FailoverExpectation Expectation => FailoverExpectation.NewLeader;

        public override HaPgNode SelectTarget(FailoverScenarioContext run) => FailoverTargets.Leader(run);

        public override Task<FaultInjection> FaultAsync(FailoverScenarioContext run, IRemoteHost host) => Task.FromResult(FaultInjection.StopPatroni());
    }
}
