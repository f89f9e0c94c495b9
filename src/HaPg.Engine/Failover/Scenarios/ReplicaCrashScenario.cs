using System.Threading.Tasks;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.Failover.Scenarios
{
    /// <summary>The best replica killed and kept down for the hold: the leader stays and not one write fails.</summary>
    public sealed class ReplicaCrashScenario : ShellFaultScenario
    {
        public override HaPgFailoverScenario Scenario => HaPgFailoverScenario.ReplicaCrash;
        public override FailoverExpectation Expectation => FailoverExpectation.NoChange;

        public override HaPgNode SelectTarget(FailoverScenarioContext run) => FailoverTargets.BestReplica(run);

        public override Task<FaultInjection> FaultAsync(FailoverScenarioContext run, IRemoteHost host) => Task.FromResult(FaultInjection.Crash());
    }
}
