using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;
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
    /// The parameters and lifecycle every cmdlet shares that works on an inventory's nodes over SSH: on top of
    /// <see cref="InventoryCmdlet"/>'s inventories and -Node, it holds the pipeline's pooled connections from the
    /// first input on, cancels remote work on Ctrl+C, and releases the connections when disposed.
    /// Public types of this assembly must not declare fields of Engine value types (enums, structs) nor generic
    /// constraints on Engine types: PowerShell loads those while scanning the module, before the dependency
    /// resolver is registered, and the import fails (the fresh-import meta-test catches it).
    /// </summary>
    public abstract class NodeCmdlet : InventoryCmdlet, IDisposable
    {
        private NodeRunner? runner;

        /// <summary>How many nodes to work on at the same time.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 5;

        /// <summary>
        /// Trusts a node's SSH host key that is not yet in known_hosts, and records it there. A changed key is
        /// always refused. Where HaPg would send the host a password (a -Credential login without a key, or sudo in Password
        /// mode), it first learns the key without logging in and asks you to confirm its fingerprint; declined or not asked
        /// (a non-interactive session), nothing is sent and the node fails with HaPg.Connection.UnverifiedKeyWithPassword.
        /// Pin the node's HostKeySha256 to go without asking.
        /// </summary>
        [Parameter]
        public SwitchParameter AcceptHostKey { get; set; }

        protected NodeRunner Runner => runner ??= new NodeRunner(this) { ConnectOptions = { AcceptUnknownHostKey = AcceptUnknownHostKey } };

        /// <summary>Whether a host key known_hosts does not know yet is trusted and recorded: -AcceptHostKey.</summary>
        protected virtual bool AcceptUnknownHostKey => AcceptHostKey;

        /// <summary>
        /// Whether this cmdlet's work builds on the earlier steps of its pipeline, so that it stops when one of them failed or
        /// was not run. False for Test-HaPgConnection, which only looks, and helps most after a failure.
        /// </summary>
        protected virtual bool BuildsOnEarlierSteps => true;

        protected override void OnFirstInput(HaPgInventory inventory) => Runner.Join(inventory);

        /// <summary>With -AcceptHostKey, the fingerprints of unknown keys that would get a password are confirmed here, on the pipeline thread.</summary>
        protected override void BeforeProcess(HaPgInventory inventory)
        {
            if (AcceptUnknownHostKey)
            {
                HostKeyConfirmation.Run(this, inventory, NodeRunner.SelectNodes(this, inventory, Node), Runner.ConnectOptions, Runner.CancellationToken);
            }
        }

        /// <summary>Under -WhatIf the plan is still shown after an upstream what-if; a real run stops when an earlier step failed.</summary>
        protected override bool Skip(HaPgInventory inventory) => !IsWhatIf && BuildsOnEarlierSteps && Runner.StopIfUpstreamFailed(inventory);

        protected bool IsWhatIf => Runner.Sink.IsWhatIf;

        /// <summary>The operation context for <paramref name="inventory"/>: this cmdlet's runner, step name and throttle.</summary>
        protected OperationContext Operation(HaPgInventory inventory) => new OperationContext(inventory, Runner, CommandName, ThrottleLimit);

        /// <inheritdoc cref="OperationContext.RunPlans"/>
        /// <remarks>Not generic on purpose: a constraint on an Engine type would load HaPg.Engine during PowerShell's import scan.</remarks>
        protected IReadOnlyList<HaPgResult> RunPlans(HaPgInventory inventory, IReadOnlyList<NodePlan> plans, string activity,
            Func<NodeContext, IReadOnlyList<StepOutcome>, Task<HaPgResult>> complete, HaPgRole role, Func<HaPgResult> whatIfResult) =>
            Operation(inventory).RunPlans(plans, activity, complete, role, whatIfResult);

        /// <inheritdoc cref="OperationContext.RequireSupportedPlatform"/>
        protected IReadOnlyList<NodePlatform> RequireSupportedPlatform(HaPgInventory inventory, IReadOnlyList<HaPgNode> nodes) =>
            Operation(inventory).RequireSupportedPlatform(nodes);

        protected override void StopProcessing() => runner?.Stop();

        public void Dispose()
        {
            runner?.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
