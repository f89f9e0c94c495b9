using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.Failover.Scenarios
{
    /// <summary>A scenario that stops or freezes the whole node through the user's -InjectFault and -HealFault script blocks.</summary>
    public abstract class WholeNodeFaultScenario : FailoverScenarioDescriptor
    {
        public sealed override async Task InjectAsync(FailoverScenarioContext run, HaPgNode target, IRemoteHost host)
        {
            var inject = run.Options.InjectNodeFault ?? throw new HaPgRemoteException("HaPg.Failover.FaultCommandRequired",
                ErrorCategory.InvalidArgument, target, $"{Scenario} needs -InjectFault and -HealFault.");
            run.Events.Add(FailoverEventKind.FaultInjected, target.Name, Scenario.ToString());
            await run.RunOnPipelineThreadAsync(() => inject(target.Name)).ConfigureAwait(false);
        }

        /// <summary>Runs -HealFault if given; without it the node is left as -InjectFault left it.</summary>
        public sealed override async Task HealAsync(FailoverScenarioContext run, HaPgNode target, CancellationToken timeout)
        {
            if (run.Options.HealNodeFault is Action<string> heal)
            {
                await run.RunOnPipelineThreadAsync(() => heal(target.Name)).ConfigureAwait(false);
            }
        }
    }
}
