using System.Threading;
using System.Threading.Tasks;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.Failover.Scenarios
{
    /// <summary>A scenario whose fault is a pair of shell commands on the target (see <see cref="FaultInjection"/>).</summary>
    public abstract class ShellFaultScenario : FailoverScenarioDescriptor
    {
        /// <summary>The commands that break and restore the target, built for the node behind <paramref name="host"/>.</summary>
        public abstract Task<FaultInjection> FaultAsync(FailoverScenarioContext run, IRemoteHost host);

        public sealed override async Task InjectAsync(FailoverScenarioContext run, HaPgNode target, IRemoteHost host)
        {
            var fault = await FaultAsync(run, host).ConfigureAwait(false);
            run.Events.Add(FailoverEventKind.FaultInjected, target.Name, fault.Description);
            await host.RunAsync(new RemoteCommand(fault.Inject), run.CancellationToken, Scenario.ToString()).ConfigureAwait(false);
        }

        public sealed override async Task HealAsync(FailoverScenarioContext run, HaPgNode target, CancellationToken timeout)
        {
            var host = await run.HostForAsync(target).ConfigureAwait(false);
            var fault = await FaultAsync(run, host).ConfigureAwait(false);
            await host.RunAsync(new RemoteCommand(fault.Heal), timeout, "heal " + Scenario).ConfigureAwait(false);
        }
    }
}
