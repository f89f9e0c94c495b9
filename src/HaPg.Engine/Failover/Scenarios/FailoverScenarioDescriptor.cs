using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Patroni;
using HaPg.Components.Postgres;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.Failover.Scenarios
{
    /// <summary>
    /// One Test-HaPgFailover scenario as data: the node it faults, how it breaks and restores it, what the cluster must do
    /// meanwhile, and when the node counts as back. The runner asks these and never the scenario's name.
    /// </summary>
    public abstract class FailoverScenarioDescriptor
    {
        public abstract HaPgFailoverScenario Scenario { get; }

        /// <summary>What the fault must do: a new leader, the virtual IP moved, or nothing at all.</summary>
        public abstract FailoverExpectation Expectation { get; }

        /// <summary>Whether the fault (a freeze, a partition) is the kind that meets Patroni's leader-key overwrite: the run warns before it.</summary>
        public virtual bool MeetsLeaderKeyOverwrite => false;

        /// <summary>Whether a fault is left to remove afterwards; a switchover leaves none.</summary>
        public virtual bool NeedsHeal => true;

        /// <summary>The node to fault, or an HaPg.Failover.* refusal when the cluster has none to offer.</summary>
        public abstract HaPgNode SelectTarget(FailoverScenarioContext run);

        /// <summary>Breaks <paramref name="target"/> (whose connection is <paramref name="host"/>) and logs the FaultInjected event.</summary>
        public abstract Task InjectAsync(FailoverScenarioContext run, HaPgNode target, IRemoteHost host);

        /// <summary>Removes the fault; <paramref name="timeout"/> bounds the remote commands.</summary>
        public abstract Task HealAsync(FailoverScenarioContext run, HaPgNode target, CancellationToken timeout);

        /// <summary>
        /// Whether <paramref name="target"/> is back in service, given Patroni's <paramref name="members"/> now: by default a
        /// replica that Patroni reports running and whose WAL receiver streams.
        /// </summary>
        public virtual async Task<bool> HasRejoinedAsync(FailoverScenarioContext run, HaPgNode target, IReadOnlyList<PatroniMember> members) =>
            members.Any(m => m.Name == target.Name && m.LagBytes is not null && m.IsRunningReplica)
            && await LocalPsql.WalReceiverStatusAsync(await run.HostForAsync(target).ConfigureAwait(false), run.Inventory, run.CancellationToken)
                .ConfigureAwait(false) == "streaming";

        /// <summary>An HAProxy node back in service: haproxy and keepalived running again (as a backup: nopreempt keeps the address where it went).</summary>
        protected static async Task<bool> HaproxyAndKeepalivedActiveAsync(FailoverScenarioContext run, HaPgNode target)
        {
            var state = await (await run.HostForAsync(target).ConfigureAwait(false))
                .RunAsync(new RemoteCommand("systemctl is-active haproxy keepalived") { Sudo = false }, run.CancellationToken, "haproxy and keepalived back")
                .ConfigureAwait(false);
            return state.Stdout.Split('\n').Count(l => l.Trim() == "active") == 2;
        }

        public override string ToString() => Scenario.ToString();
    }
}
