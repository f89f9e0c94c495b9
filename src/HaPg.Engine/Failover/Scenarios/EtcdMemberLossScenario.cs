using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using HaPg.Components.Etcd;
using HaPg.Components.Patroni;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.Failover.Scenarios
{
    /// <summary>One etcd member of at least three stopped for the hold: the quorum stands, so the leader stays and not one write fails.</summary>
    public sealed class EtcdMemberLossScenario : ShellFaultScenario
    {
        public override HaPgFailoverScenario Scenario => HaPgFailoverScenario.EtcdMemberLoss;
        public override FailoverExpectation Expectation => FailoverExpectation.NoChange;

        public override HaPgNode SelectTarget(FailoverScenarioContext run) => FailoverTargets.EtcdMember(run);

        public override Task<FaultInjection> FaultAsync(FailoverScenarioContext run, IRemoteHost host) => Task.FromResult(FaultInjection.StopEtcd());

        /// <summary>Back: the member healthy again and the Patroni cluster intact, with one leader.</summary>
        public override async Task<bool> HasRejoinedAsync(FailoverScenarioContext run, HaPgNode target, IReadOnlyList<PatroniMember> members)
        {
            var status = await EtcdSteps.ReadAsync(run.Inventory, await run.HostForAsync(target).ConfigureAwait(false), run.CancellationToken).ConfigureAwait(false);
            return status.Healthy == true && members.Count(m => m.IsLeader) == 1;
        }
    }
}
