using System;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.Failover.Scenarios
{
    /// <summary>
    /// The leader cut off the network with nftables but for this SSH session, its removal scheduled on the node first: a
    /// replica takes the lead, and the old leader must follow it when the cut ends.
    /// </summary>
    public sealed class IsolateScenario : ShellFaultScenario
    {
        public override HaPgFailoverScenario Scenario => HaPgFailoverScenario.Isolate;
        public override FailoverExpectation Expectation => FailoverExpectation.NewLeader;
        public override bool MeetsLeaderKeyOverwrite => true;

        public override HaPgNode SelectTarget(FailoverScenarioContext run) => FailoverTargets.Leader(run);

        /// <summary>Reads the address this session comes from, so the cut spares it; the cut lifts itself after the recovery timeout and a minute.</summary>
        public override async Task<FaultInjection> FaultAsync(FailoverScenarioContext run, IRemoteHost host)
        {
            var admin = await host.RunAsync(new RemoteCommand(FaultInjection.AdminAddressCommand) { Sudo = false }, CancellationToken.None)
                .ConfigureAwait(false);
            return FaultInjection.Isolate(admin.Stdout.Trim(), host.Node.Port, run.Options.RecoveryTimeout + TimeSpan.FromSeconds(60));
        }
    }
}
