using System.Threading.Tasks;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.Failover.Scenarios
{
    /// <summary>Patroni and PostgreSQL killed on the leader and kept down: a replica takes the lead once the leader key expires.</summary>
    public sealed class CrashScenario : ShellFaultScenario
    {
        public override HaPgFailoverScenario Scenario => HaPgFailoverScenario.Crash;
        public override FailoverExpectation Expectation => FailoverExpectation.NewLeader;

        public override HaPgNode SelectTarget(FailoverScenarioContext run) => FailoverTargets.Leader(run);

        public override Task<FaultInjection> FaultAsync(FailoverScenarioContext run, IRemoteHost host) => Task.FromResult(FaultInjection.Crash());
    }
}
