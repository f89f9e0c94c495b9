using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using HaPg.Components.Cluster;
using HaPg.Components.Common;
using HaPg.Components.Patroni;
using HaPg.Inventory;
using HaPg.Results;

namespace HaPg.Operations
{
    /// <summary>
    /// A planned switchover (Invoke-HaPgSwitchover): reads the cluster, picks the candidate (the given replica, or the best
    /// running one), refuses what Patroni would refuse, asks ShouldProcess, then has the leader's Patroni hand over and waits
    /// until the candidate leads. Refusals are thrown as <see cref="HaPgValidationException"/>: HaPg.Switchover.NoCandidate
    /// (no leader, or no such running replica) and HaPg.Switchover.NotSyncStandby (synchronous mode, not a synchronous standby).
    /// </summary>
    public sealed class Switchover
    {
        private readonly OperationContext context;
        private readonly IReadOnlyList<HaPgNode> nodes;

        /// <param name="context">The inventory, runner and sink.</param>
        /// <param name="nodes">The database nodes whose Patroni may be asked for the cluster.</param>
        public Switchover(OperationContext context, IReadOnlyList<HaPgNode> nodes)
        {
            this.context = context;
            this.nodes = nodes;
        }

        /// <summary>The replica to promote; null for the best running replica.</summary>
        public string? Candidate { get; set; }

        /// <summary>How long the candidate may take to lead.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>Runs it; returns the result (also written to the sink), or null when ShouldProcess declined.</summary>
        public HaPgSwitchoverResult? Run()
        {
            var inventory = context.Inventory;
            context.AdoptDeployedSecrets();
            var cluster = ClusterReader.Read(context.Runner, inventory, nodes, ClusterViews.Members, context.ThrottleLimit);
            var leader = cluster.Leader;
            var candidate = Candidate is null ? PatroniSwitchover.BestCandidate(cluster.Members)
                : cluster.Members.FirstOrDefault(m => m.Name.Equals(Candidate, StringComparison.OrdinalIgnoreCase) && !m.IsLeader);
            if (leader is null || candidate is null)
            {
                throw new HaPgValidationException("HaPg.Switchover.NoCandidate",
                    $"No switchover possible: leader {leader?.Name ?? "none"}, candidate {Candidate ?? "(best replica)"} not a running replica; members: {string.Join("; ", cluster.Members)}.",
                    Candidate ?? inventory.ClusterName, ErrorCategory.InvalidOperation);
            }

            if (PatroniSwitchover.Refusal(cluster.Members, candidate) is string refusal)
            {
                throw new HaPgValidationException("HaPg.Switchover.NotSyncStandby", refusal, candidate.Name, ErrorCategory.InvalidArgument);
            }

            if (!context.Sink.ShouldProcess(inventory.ClusterName, $"Switch over from {leader.Name} to {candidate.Name}"))
            {
                return null;
            }

            var leaderNode = inventory.FindNode(leader.Name)!;
            var passwords = PatroniSteps.PasswordsFrom(inventory.Secrets);
            return context.Run(new[] { leaderNode }, "Switching over", async node =>
            {
                var clock = Stopwatch.StartNew();
                node.SetStatus($"handing over to {candidate.Name}");
                var after = await PatroniSwitchover.SwitchAsync(node.Host, inventory, leader.Name, candidate.Name, new PatroniSettings().RestApiUser,
                    passwords.RestApi!, Timeout, node.CancellationToken).ConfigureAwait(false);
                return new HaPgSwitchoverResult
                {
                    Node = leader.Name,
                    Role = nameof(HaPgRole.Postgres),
                    Step = context.StepName,
                    Changed = true,
                    Duration = clock.Elapsed,
                    OldLeader = leader.Name,
                    NewLeader = candidate.Name,
                    TimelineBefore = leader.Timeline,
                    TimelineAfter = after.FirstOrDefault(m => m.IsLeader)?.Timeline,
                    Inventory = inventory,
                };
            }, throttleLimit: 1).FirstOrDefault();
        }
    }
}
