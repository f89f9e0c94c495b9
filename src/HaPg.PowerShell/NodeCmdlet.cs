using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Steps;

namespace HaPg.PowerShell
{
    /// <summary>
    /// The parameters and lifecycle every cmdlet shares that works on an inventory's nodes over SSH:
    /// it collects the inventories it is given (directly, or by property name from the previous cmdlet's
    /// results), runs once per inventory when its input ends, cancels remote work on Ctrl+C, and releases
    /// the pipeline's pooled connections when disposed.
    /// Cmdlets deriving from it must not declare fields of Engine value types (enums, structs): PowerShell
    /// loads those while scanning the module, before the dependency resolver is registered.
    /// </summary>
    public abstract class NodeCmdlet : PSCmdlet, IDisposable
    {
        private readonly List<HaPgInventory> inventories = new List<HaPgInventory>();
        private NodeRunner? runner;

        /// <summary>
        /// The cluster inventory from New-HaPgInventory or Import-HaPgInventory, or the previous HaPg cmdlet's
        /// results, which carry it on.
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        public HaPgInventory Inventory { get; set; } = null!;

        /// <summary>Limits the work to the nodes with these names. By default every node the step applies to.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public string[]? Node { get; set; }

        /// <summary>How many nodes to work on at the same time.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 5;

        /// <summary>
        /// Trusts a node's SSH host key that is not yet in known_hosts, and records it there. A changed key is
        /// always refused.
        /// </summary>
        [Parameter]
        public SwitchParameter AcceptHostKey { get; set; }

        protected NodeRunner Runner => runner ??= new NodeRunner(this) { ConnectOptions = { AcceptUnknownHostKey = AcceptHostKey } };

        protected override void ProcessRecord()
        {
            if (!inventories.Any(i => ReferenceEquals(i, Inventory)))
            {
                inventories.Add(Inventory);
                Runner.Join(Inventory);
            }
        }

        protected override void EndProcessing()
        {
            foreach (var inventory in inventories)
            {
                if (Runner.StopIfUpstreamFailed(inventory))
                {
                    continue;
                }

                Process(inventory);
            }
        }

        /// <summary>Does the cmdlet's work for one inventory.</summary>
        protected abstract void Process(HaPgInventory inventory);

        /// <summary>
        /// The nodes with <paramref name="role"/> (every node for <see cref="HaPgRole.None"/>), limited by -Node.
        /// </summary>
        protected IReadOnlyList<HaPgNode> SelectNodes(HaPgInventory inventory, HaPgRole role) =>
            NodeRunner.SelectNodes(this, inventory, Node).Where(n => role == HaPgRole.None || n.HasRole(role)).ToList();

        /// <summary>
        /// Asks ShouldProcess for each node, listing its exact commands and files. Returns the approved plans;
        /// under -WhatIf none, and nothing is touched.
        /// </summary>
        protected IReadOnlyList<NodePlan> Approve(IEnumerable<NodePlan> plans, string action)
        {
            var approved = new List<NodePlan>();
            foreach (var plan in plans)
            {
                var description = action + Environment.NewLine + string.Join(Environment.NewLine, plan.Describe().Select(l => "  " + l));
                if (ShouldProcess($"{plan.Node.Name} ({plan.Node.Address})", description))
                {
                    approved.Add(plan);
                }
            }

            return approved;
        }

        protected override void StopProcessing() => runner?.Stop();

        public void Dispose()
        {
            runner?.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
