using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using HaPg.Inventory;
using HaPg.Remote;

namespace HaPg.Steps
{
    /// <summary>The ordered steps one cmdlet runs on one node.</summary>
    public sealed class NodePlan
    {
        public NodePlan(HaPgNode node, IEnumerable<NodeStep> steps)
        {
            Node = node;
            Steps = steps.ToList();
        }

        public HaPgNode Node { get; }
        public IReadOnlyList<NodeStep> Steps { get; }

        /// <summary>Every command and file, one line each, for -WhatIf.</summary>
        public IEnumerable<string> Describe() =>
            Steps.SelectMany(step => step.Describe().Select(line => $"[{step.Name}] {line}"));

        /// <summary>Runs the steps in order; the first failure stops this node and names the step.</summary>
        public async Task<IReadOnlyList<StepOutcome>> RunAsync(StepContext context, Action<string>? onStep = null)
        {
            foreach (var step in Steps)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                onStep?.Invoke(step.Name);
                StepOutcome outcome;
                try
                {
                    outcome = await step.ApplyAsync(context).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException && ex is not HaPgRemoteException)
                {
                    throw new HaPgRemoteException(RemoteErrorId.NodeFailed, System.Management.Automation.ErrorCategory.NotSpecified, Node,
                        $"{Node.Name}: step '{step.Name}' failed: {ex.Message}", ex);
                }

                context.Record(outcome);
                context.Verbose(outcome.ToString());
            }

            return context.Outcomes;
        }
    }
}
