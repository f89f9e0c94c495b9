using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using HaPg.Components.Firewall;
using HaPg.Inventory;
using HaPg.Results;

namespace HaPg.Operations
{
    /// <summary>
    /// Opens exactly the cluster's ports, from exactly the nodes that need them, on each node (see <see cref="FirewallSteps"/>).
    /// Refuses unsupported releases before any node changes. After a node's rules are loaded, a brand-new login to it must get
    /// in (<see cref="OperationContext.FreshLogin"/>) before its safety net is disarmed; when it does not, the node fails and its
    /// nftables table removes itself (or ufw's default goes back to allow). After disarming, the loaded state is checked: a timer
    /// that fired in between fails the node (HaPg.Firewall.SafetyTimerFired). Writes one <see cref="HaPgFirewallResult"/> per node.
    /// </summary>
    public sealed class FirewallApply
    {
        public const string Activity = "Setting the firewall";

        private readonly OperationContext operation;

        public FirewallApply(OperationContext operation) => this.operation = operation;

        /// <summary>Where ufw admits incoming traffic by default, set it to deny once the rules are in place (else such a node is refused).</summary>
        public bool SetDefaultDeny { get; set; }

        /// <summary>Applies the firewall on <paramref name="nodes"/>; returns the results of the nodes that finished.</summary>
        public IReadOnlyList<HaPgResult> Run(IReadOnlyList<HaPgNode> nodes)
        {
            var inventory = operation.Inventory;
            operation.RequireSupportedPlatform(nodes);
            var plans = nodes.Select(node => FirewallSteps.For(inventory, node, operation.FreshLogin(node), SetDefaultDeny)).ToList();
            return operation.RunPlans(plans, Activity, (context, outcomes) => Task.FromResult<HaPgResult>(new HaPgFirewallResult
            {
                Backend = FirewallSteps.BackendOf(outcomes),
                Rules = FirewallPlan.ForNode(inventory, context.Node).ToList(),
            }), HaPgRole.None, () => new HaPgFirewallResult());
        }
    }
}
