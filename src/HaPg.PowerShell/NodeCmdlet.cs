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

        protected bool IsWhatIf =>
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value)
                ? LanguagePrimitives.IsTrue(value)
                : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

        /// <summary>
        /// Shows every plan to ShouldProcess, runs the approved ones in parallel (one reused connection per node),
        /// and writes one result per node as it finishes. <paramref name="complete"/> fills the cmdlet-specific
        /// part of the result after the node's steps ran. Under -WhatIf, writes a WhatIf result per node and
        /// records in the pipeline that nothing was done, so later cmdlets without -WhatIf do not build on it.
        /// </summary>
        /// <remarks>Not generic on purpose: a constraint on an Engine type would load HaPg.Engine during PowerShell's import scan.</remarks>
        protected IReadOnlyList<HaPgResult> RunPlans(HaPgInventory inventory, IReadOnlyList<NodePlan> plans, string activity,
            Func<NodeContext, IReadOnlyList<StepOutcome>, Task<HaPgResult>> complete, HaPgRole role, Func<HaPgResult> whatIfResult)
        {
            var approved = Approve(plans, activity);
            foreach (var skipped in plans.Where(p => !approved.Contains(p)))
            {
                var result = whatIfResult();
                result.Status = HaPgStatus.WhatIf;
                Stamp(result, inventory, skipped.Node, role, TimeSpan.Zero);
                result.Messages.AddRange(skipped.Describe());
                Runner.RecordNotDone(inventory, skipped.Node.Name, activity);
                WriteObject(result);
            }

            var byNode = approved.ToDictionary(p => p.Node.Name, StringComparer.OrdinalIgnoreCase);
            return Runner.Run(inventory, approved.Select(p => p.Node).ToList(), ThrottleLimit, activity, async context =>
            {
                var clock = Stopwatch.StartNew();
                var steps = new StepContext(context.Host, context.CancellationToken, context.WriteVerbose);
                var outcomes = await byNode[context.Node.Name].RunAsync(steps, context.SetStatus).ConfigureAwait(false);
                var result = await complete(context, outcomes).ConfigureAwait(false);
                result.Changed |= outcomes.Any(o => o.Changed);
                result.Messages.InsertRange(0, outcomes.Where(o => o.Changed).Select(o => o.ToString()));
                Stamp(result, inventory, context.Node, role, clock.Elapsed);
                return result;
            });
        }

        private void Stamp(HaPgResult result, HaPgInventory inventory, HaPgNode node, HaPgRole role, TimeSpan duration)
        {
            result.Node = node.Name;
            result.Role = role == HaPgRole.None ? node.Roles.ToString() : role.ToString();
            result.Step = CommandName;
            result.Duration = duration;
            result.Inventory = inventory;
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

        /// <summary>
        /// Takes the passwords the cluster already uses, from config.yml on its database nodes: the cluster is the source
        /// of truth, so an inventory without its secrets file still drives it. Returns false when no node has a config.
        /// </summary>
        protected bool AdoptDeployedSecrets(HaPgInventory inventory)
        {
            var deployed = ReadDeployedFile(inventory, inventory.NodesWithRole(HaPgRole.Postgres).ToList(), PatroniConfig.FilePath);
            if (deployed is null)
            {
                return false;
            }

            PatroniSteps.Adopt(inventory.Secrets, PatroniConfig.ReadPasswords(deployed));
            return true;
        }

        /// <summary>
        /// Reads every node's platform (os-release, apt's versions) in parallel and refuses them all at once, before anything
        /// changes, when any runs a release HaPg does not support (HaPg.Platform.Unsupported). Under -WhatIf nothing is read.
        /// Returns the platforms of the nodes that answered; a node that did not has its error written.
        /// </summary>
        protected IReadOnlyList<NodePlatform> RequireSupportedPlatform(HaPgInventory inventory, IReadOnlyList<HaPgNode> nodes)
        {
            if (IsWhatIf)
            {
                return Array.Empty<NodePlatform>();
            }

            var platforms = Runner.Run(inventory, nodes, ThrottleLimit, "Reading each node's platform", async context =>
            {
                context.SetStatus("reading os-release and apt's versions");
                var read = await context.Host.RunAsync(new RemoteCommand(NodePlatform.ReadCommand) { Sudo = false }, context.CancellationToken, "read platform")
                    .ConfigureAwait(false);
                var platform = NodePlatform.Parse(context.Node.Name, read.Stdout);
                context.WriteVerbose($"platform {platform.Os} ({platform.Codename ?? "no codename"}); PostgreSQL {platform.PostgresMajor?.ToString() ?? "unknown"}, Patroni {platform.PatroniVersion?.ToString() ?? "unknown"}");
                return platform;
            }, writeResults: false);
            if (PlatformSupport.Unsupported(platforms) is ValidationIssue unsupported)
            {
                ThrowTerminatingError(unsupported.ToErrorRecord());
            }

            return platforms;
        }

        /// <summary>The file at <paramref name="path"/> as deployed on the first of <paramref name="nodes"/> that has it (read in parallel), or null.</summary>
        protected string? ReadDeployedFile(HaPgInventory inventory, IReadOnlyList<HaPgNode> nodes, string path) =>
            Runner.Run(inventory, nodes, ThrottleLimit, "Reading " + path,
                    async context => await context.Host.ReadFileAsync(path, context.CancellationToken).ConfigureAwait(false) ?? string.Empty,
                    writeResults: false)
                .FirstOrDefault(content => content.Length > 0);

        protected override void StopProcessing() => runner?.Stop();

        public void Dispose()
        {
            runner?.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
