using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using HaPg.Components.Common;
using HaPg.Components.Patroni;
using HaPg.Components.Platform;
using HaPg.Execution;
using HaPg.Remote;
using HaPg.Inventory;
using HaPg.Operations;
using HaPg.Results;
using HaPg.Steps;

namespace HaPg.PowerShell
{
    /// <summary>
    /// The parameters and lifecycle every cmdlet shares that works on an inventory's nodes over SSH:
    /// it collects the inventories it is given (directly, or by property name from the previous cmdlet's
    /// results), runs once per inventory when its input ends, cancels remote work on Ctrl+C, and releases
    /// the pipeline's pooled connections when disposed.
    /// Public types of this assembly must not declare fields of Engine value types (enums, structs) nor generic
    /// constraints on Engine types: PowerShell loads those while scanning the module, before the dependency
    /// resolver is registered, and the import fails (the fresh-import meta-test catches it).
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
                // Under -WhatIf the plan is still shown after an upstream what-if; a real run stops.
                if (!IsWhatIf && Runner.StopIfUpstreamFailed(inventory))
                {
                    continue;
                }

                try
                {
                    Process(inventory);
                }
                catch (HaPgException ex)
                {
                    // An engine error on this thread (a check, or a plan being built) ends the cmdlet with its own id.
                    ThrowTerminatingError(Redacted(ex, inventory));
                }
            }
        }

        /// <summary>The exception's ErrorRecord, its message with the inventory's secrets masked (ErrorDetails).</summary>
        private static ErrorRecord Redacted(HaPgException exception, HaPgInventory inventory)
        {
            var record = exception.ToErrorRecord();
            record.ErrorDetails = new ErrorDetails(Redactor.For(inventory).Redact(exception.Message));
            return record;
        }

        /// <summary>The name results carry in their Step property, e.g. "Install-HaPgEtcd".</summary>
        protected string CommandName => MyInvocation.MyCommand.Name;

        protected bool IsWhatIf => Runner.Sink.IsWhatIf;

        /// <summary>The operation context for <paramref name="inventory"/>: this cmdlet's runner, step name and throttle.</summary>
        protected OperationContext Operation(HaPgInventory inventory) => new OperationContext(inventory, Runner, CommandName, ThrottleLimit);

        /// <inheritdoc cref="OperationContext.RunPlans"/>
        /// <remarks>Not generic on purpose: a constraint on an Engine type would load HaPg.Engine during PowerShell's import scan.</remarks>
        protected IReadOnlyList<HaPgResult> RunPlans(HaPgInventory inventory, IReadOnlyList<NodePlan> plans, string activity,
            Func<NodeContext, IReadOnlyList<StepOutcome>, Task<HaPgResult>> complete, HaPgRole role, Func<HaPgResult> whatIfResult) =>
            Operation(inventory).RunPlans(plans, activity, complete, role, whatIfResult);

        /// <summary>Does the cmdlet's work for one inventory.</summary>
        protected abstract void Process(HaPgInventory inventory);

        /// <summary>
        /// The nodes with <paramref name="role"/> (every node for <see cref="HaPgRole.None"/>), limited by -Node.
        /// </summary>
        protected IReadOnlyList<HaPgNode> SelectNodes(HaPgInventory inventory, HaPgRole role) =>
            NodeRunner.SelectNodes(this, inventory, Node).Where(n => role == HaPgRole.None || n.HasRole(role)).ToList();

        /// <inheritdoc cref="OperationContext.AdoptDeployedSecrets()"/>
        protected bool AdoptDeployedSecrets(HaPgInventory inventory) => Operation(inventory).AdoptDeployedSecrets();

        /// <inheritdoc cref="OperationContext.RequireSupportedPlatform"/>
        protected IReadOnlyList<NodePlatform> RequireSupportedPlatform(HaPgInventory inventory, IReadOnlyList<HaPgNode> nodes) =>
            Operation(inventory).RequireSupportedPlatform(nodes);

        /// <inheritdoc cref="OperationContext.ReadDeployedFile"/>
        protected string? ReadDeployedFile(HaPgInventory inventory, IReadOnlyList<HaPgNode> nodes, string path) =>
            Operation(inventory).ReadDeployedFile(nodes, path);

        protected override void StopProcessing() => runner?.Stop();

        public void Dispose()
        {
            runner?.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
