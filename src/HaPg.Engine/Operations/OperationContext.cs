using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Common;
using HaPg.Components.Platform;
using HaPg.Components.Tls;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;
using HaPg.Steps;

namespace HaPg.Operations
{
    /// <summary>
    /// What a multi-node operation works with: one inventory, the runner that reaches its nodes (one reused connection
    /// each, in parallel), and the sink that shows plans, approves them and takes the results.
    /// </summary>
    public sealed class OperationContext
    {
        public OperationContext(HaPgInventory inventory, NodeRunner runner, string stepName, int throttleLimit = 5)
        {
            Inventory = inventory;
            Runner = runner;
            StepName = stepName;
            ThrottleLimit = throttleLimit;
        }

        public HaPgInventory Inventory { get; }

        public NodeRunner Runner { get; }

        public IOperationSink Sink => Runner.Sink;

        /// <summary>The name results carry in their Step property, e.g. "Install-HaPgEtcd".</summary>
        public string StepName { get; }

        public int ThrottleLimit { get; }

        public bool IsWhatIf => Sink.IsWhatIf;

        /// <summary>Runs <paramref name="work"/> on each node in parallel; see <see cref="NodeRunner.Run{TResult}"/>.</summary>
        public IReadOnlyList<TResult> Run<TResult>(IReadOnlyCollection<HaPgNode> nodes, string activity, Func<NodeContext, Task<TResult>> work,
            bool writeResults = true, int? throttleLimit = null) =>
            Runner.Run(Inventory, nodes, throttleLimit ?? ThrottleLimit, activity, work, writeResults);

        /// <summary>
        /// Asks ShouldProcess for each node, listing its exact commands and files. Returns the approved plans;
        /// under -WhatIf none, and nothing is touched.
        /// </summary>
        public IReadOnlyList<NodePlan> Approve(IEnumerable<NodePlan> plans, string action)
        {
            var approved = new List<NodePlan>();
            foreach (var plan in plans)
            {
                var description = action + Environment.NewLine + string.Join(Environment.NewLine, plan.Describe().Select(l => "  " + l));
                if (Sink.ShouldProcess($"{plan.Node.Name} ({plan.Node.Address})", description))
                {
                    approved.Add(plan);
                }
            }

            return approved;
        }

        /// <summary>
        /// Shows every plan to ShouldProcess, runs the approved ones in parallel, and writes one result per node as it
        /// finishes. <paramref name="complete"/> fills the operation-specific part of the result after the node's steps ran.
        /// Under -WhatIf, writes a WhatIf result per node and records in the pipeline that nothing was done, so later
        /// cmdlets without -WhatIf do not build on it.
        /// </summary>
        public IReadOnlyList<HaPgResult> RunPlans(IReadOnlyList<NodePlan> plans, string activity,
            Func<NodeContext, IReadOnlyList<StepOutcome>, Task<HaPgResult>> complete, HaPgRole role, Func<HaPgResult> whatIfResult)
        {
            var approved = Approve(plans, activity);
            foreach (var skipped in plans.Where(p => !approved.Contains(p)))
            {
                var result = whatIfResult();
                result.Status = HaPgStatus.WhatIf;
                Stamp(result, skipped.Node, role, TimeSpan.Zero);
                result.Messages.AddRange(skipped.Describe());
                Runner.RecordNotDone(Inventory, skipped.Node.Name, activity);
                Sink.WriteObject(result);
            }

            var byNode = approved.ToDictionary(p => p.Node.Name, StringComparer.OrdinalIgnoreCase);
            return Run(approved.Select(p => p.Node).ToList(), activity, async context =>
            {
                var clock = Stopwatch.StartNew();
                var steps = new StepContext(context.Host, context.CancellationToken, context.WriteVerbose);
                var outcomes = await byNode[context.Node.Name].RunAsync(steps, context.SetStatus).ConfigureAwait(false);
                var result = await complete(context, outcomes).ConfigureAwait(false);
                result.Changed |= outcomes.Any(o => o.Changed);
                result.Messages.InsertRange(0, outcomes.Where(o => o.Changed).Select(o => o.ToString()));
                Stamp(result, context.Node, role, clock.Elapsed);
                return result;
            });
        }

        /// <summary>
        /// Goes through <paramref name="issues"/> in order: a warning is written, the first error refuses the operation
        /// (<see cref="HaPgValidationException"/>) before anything changes. Nulls (checks that found nothing) are skipped.
        /// </summary>
        public void WarnOrRefuse(IEnumerable<ValidationIssue?> issues)
        {
            foreach (var issue in issues.Where(i => i is not null).Select(i => i!))
            {
                if (issue.Severity == IssueSeverity.Error)
                {
                    throw new HaPgValidationException(issue);
                }

                Sink.WriteWarning(issue.Message);
            }
        }

        /// <summary>Fills the fields every result carries: node, role, step, duration and the inventory.</summary>
        public void Stamp(HaPgResult result, HaPgNode node, HaPgRole role, TimeSpan duration)
        {
            result.Node = node.Name;
            result.Role = role == HaPgRole.None ? node.Roles.ToString() : role.ToString();
            result.Step = StepName;
            result.Duration = duration;
            result.Inventory = Inventory;
        }

        /// <summary>
        /// Takes the passwords the cluster already uses, from config.yml on its database nodes: the cluster is the source
        /// of truth, so an inventory without its secrets file still drives it. Returns false when no node has a config.
        /// </summary>
        public bool AdoptDeployedSecrets() => AdoptDeployedSecrets(DeployedSecretFile.Patroni);

        /// <summary>
        /// Takes the secrets <paramref name="file"/> holds, as deployed on the first of <paramref name="nodes"/> that has it
        /// (by default every node with the file's role). Returns false when none has it.
        /// </summary>
        public bool AdoptDeployedSecrets(DeployedSecretFile file, IReadOnlyList<HaPgNode>? nodes = null) =>
            file.Adopt(Inventory.Secrets, ReadDeployedFile(nodes ?? Inventory.NodesWithRole(file.Role).ToList(), file.Path));

        /// <summary>The proof that a brand-new login to <paramref name="node"/> still gets in; see <see cref="NodeRunner.FreshLogin"/>.</summary>
        public Func<CancellationToken, Task> FreshLogin(HaPgNode node) => Runner.FreshLogin(Inventory, node);

        /// <summary>
        /// Reads every node's platform (os-release, apt's versions) in parallel and refuses them all at once, before anything
        /// changes, when any runs a release HaPg does not support (HaPg.Platform.Unsupported, thrown as
        /// <see cref="HaPgValidationException"/>). Under -WhatIf nothing is read. Returns the platforms of the nodes that
        /// answered; a node that did not has its error written.
        /// </summary>
        public IReadOnlyList<NodePlatform> RequireSupportedPlatform(IReadOnlyList<HaPgNode> nodes)
        {
            if (IsWhatIf)
            {
                return Array.Empty<NodePlatform>();
            }

            var platforms = Run(nodes, "Reading each node's platform", async context =>
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
                throw new HaPgValidationException(unsupported);
            }

            return platforms;
        }

        /// <summary>
        /// The cluster CA this run issues and checks certificates with (see <see cref="ClusterCaSource"/>): the session's, else the
        /// one deployed on the inventory's nodes (read in parallel), else a new one. Under -WhatIf nothing is read, and null is
        /// returned when the session holds none.
        /// </summary>
        public ClusterCa? ClusterCa()
        {
            var secrets = Inventory.Secrets;
            if (IsWhatIf && string.IsNullOrEmpty(secrets.CaCertificatePem))
            {
                return null;
            }

            var deployed = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            if (string.IsNullOrEmpty(secrets.CaCertificatePem))
            {
                var nodes = Inventory.Nodes.ToList();
                var read = Run(nodes, "Reading " + TlsIdentity.CaPath,
                    async context => (context.Node.Name, await context.Host.ReadFileAsync(TlsIdentity.CaPath, context.CancellationToken).ConfigureAwait(false)),
                    writeResults: false);
                foreach (var (node, pem) in read)
                {
                    deployed[node] = pem;
                }
            }

            return ClusterCaSource.Resolve(Inventory, deployed, DateTimeOffset.UtcNow);
        }

        /// <summary>The file at <paramref name="path"/> as deployed on the first of <paramref name="nodes"/> that has it (read in parallel), or null.</summary>
        public string? ReadDeployedFile(IReadOnlyList<HaPgNode> nodes, string path) =>
            Run(nodes, "Reading " + path,
                    async context => await context.Host.ReadFileAsync(path, context.CancellationToken).ConfigureAwait(false) ?? string.Empty,
                    writeResults: false)
                .FirstOrDefault(content => content.Length > 0);
    }
}
