using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Patroni;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.Failover.Scenarios
{
    /// <summary>A planned switchover from the leader to the best replica through Patroni's REST API; nothing to heal.</summary>
    public sealed class SwitchoverScenario : FailoverScenarioDescriptor
    {
        public override HaPgFailoverScenario Scenario => HaPgFailoverScenario.Switchover;
        public override FailoverExpectation Expectation => FailoverExpectation.NewLeader;
        public override bool NeedsHeal => false;

        public override HaPgNode SelectTarget(FailoverScenarioContext run) => FailoverTargets.Leader(run);

        public override async Task InjectAsync(FailoverScenarioContext run, HaPgNode target, IRemoteHost host)
        {
            var candidate = PatroniSwitchover.BestCandidate(run.Members)!.Name;
            run.Events.Add(FailoverEventKind.FaultInjected, target.Name, $"switchover from {run.Leader.Name} to {candidate}");
            var patroni = PatroniSteps.PasswordsFrom(run.Inventory.Secrets);
            await PatroniSwitchover.SwitchAsync(host, run.Inventory, run.Leader.Name, candidate, new PatroniSettings().RestApiUser, patroni.RestApi!,
                run.Options.RecoveryTimeout, run.CancellationToken).ConfigureAwait(false);
        }

        public override Task HealAsync(FailoverScenarioContext run, HaPgNode target, CancellationToken timeout) => Task.CompletedTask;
    }
}
