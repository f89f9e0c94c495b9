using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using HaPg.Components.Cluster;
using HaPg.Components.Common;
using HaPg.Components.Haproxy;
using HaPg.Components.Patroni;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.Operations
{
    /// <summary>
    /// Rebuilds replicas from the leader (Repair-HaPgReplica): reads the selected database nodes, leaves a streaming replica
    /// alone unless forced, asks ShouldProcess per replica to be reinitialized, then reinitializes the approved ones in
    /// parallel through their own Patroni and waits until each streams and every HAProxy routes reads to it. The leader is
    /// never touched. Without a leader it throws HaPg.Repair.NoLeader (<see cref="HaPgValidationException"/>); a leader named
    /// with -Node gets HaPg.Repair.IsLeader written.
    /// </summary>
    public sealed class ReplicaRebuild
    {
        private readonly OperationContext context;
        private readonly IReadOnlyList<HaPgNode> nodes;

        /// <param name="context">The inventory, runner and sink.</param>
        /// <param name="nodes">The database nodes to repair.</param>
        public ReplicaRebuild(OperationContext context, IReadOnlyList<HaPgNode> nodes)
        {
            this.context = context;
            this.nodes = nodes;
        }

        /// <summary>Reinitializes the selected replicas even when they stream.</summary>
        public bool Force { get; set; }

        /// <summary>The nodes were named (-Node): naming the leader is then an error.</summary>
        public bool NodesNamed { get; set; }

        /// <summary>How long each replica may take to copy the leader's data and stream again.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1800);

        /// <summary>How long every HAProxy may take to route reads to a rebuilt replica before a warning says it does not.</summary>
        public TimeSpan ServingTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>Runs it; returns every replica's result, as written to the sink.</summary>
        public IReadOnlyList<HaPgReplicaRepairResult> Run()
        {
            var inventory = context.Inventory;
            var sink = context.Sink;
            context.AdoptDeployedSecrets();
            var cluster = ClusterReader.Read(context.Runner, inventory, nodes, ClusterViews.Replicas, context.ThrottleLimit, "Reading the replicas");
            var leader = cluster.Leader ?? throw new HaPgValidationException("HaPg.Repair.NoLeader",
                $"No repair without a leader to copy from: members {string.Join("; ", cluster.Members)}. Run Test-HaPgCluster.",
                inventory.ClusterName, ErrorCategory.InvalidOperation);

            var results = new List<HaPgReplicaRepairResult>();
            var reasons = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var node in nodes.Where(n => cluster.Nodes.ContainsKey(n.Name)).OrderBy(n => n.Name, StringComparer.Ordinal))
            {
                if (node.Name == leader.Name)
                {
                    if (NodesNamed)
                    {
                        sink.WriteError(new ErrorRecord(new InvalidOperationException(
                                $"{node.Name} is the leader; only a replica can be reinitialized. Invoke-HaPgSwitchover first."),
                            "HaPg.Repair.IsLeader", ErrorCategory.InvalidArgument, node.Name));
                    }

                    continue;
                }

                var reason = cluster.RepairReason(node.Name);
                var result = NewResult(node, cluster, leader);
                if (reason is null && !Force)
                {
                    result.Reason = "streaming";
                    Write(result);
                    continue;
                }

                result.Reason = reason ?? "rebuild requested (-Force)";
                var action = $"Reinitialize from {leader.Name}: POST {PatroniApi.Url(inventory, node, "/reinitialize")}; Patroni stops PostgreSQL, " +
                             $"replaces the data directory with a copy of the leader's, and starts it as a replica. Reason: {result.Reason}";
                if (!sink.ShouldProcess($"{node.Name} ({node.Address})", action))
                {
                    result.Status = context.IsWhatIf ? HaPgStatus.WhatIf : HaPgStatus.Skipped;
                    result.Messages.Add(action);
                    Write(result);
                    continue;
                }

                if (cluster.Member(node.Name)?.Role == PatroniSwitchover.SyncStandbyRole)
                {
                    sink.WriteWarning($"{node.Name} is the synchronous standby: with synchronous_mode_strict, writes wait until it streams again.");
                }

                reasons[node.Name] = result.Reason;
            }

            var passwords = PatroniSteps.PasswordsFrom(inventory.Secrets);
            results.AddRange(context.Run(nodes.Where(n => reasons.ContainsKey(n.Name)).ToList(), "Reinitializing replicas", async work =>
            {
                var clock = Stopwatch.StartNew();
                var name = work.Node.Name;
                await ReplicaRepair.ReinitializeAsync(work.Host, inventory, new PatroniSettings().RestApiUser, passwords.RestApi!,
                    Timeout, work.SetStatus, work.CancellationToken).ConfigureAwait(false);
                var result = NewResult(work.Node, cluster, leader);
                result.Changed = true;
                result.Reason = reasons[name];
                result.Messages.Add($"reinitialized from {leader.Name} and streaming");

                work.SetStatus("waiting until HAProxy routes reads to it");
                var proxies = new List<IRemoteHost>();
                foreach (var proxy in inventory.NodesWithRole(HaPgRole.Haproxy))
                {
                    proxies.Add(await work.HostForAsync(proxy).ConfigureAwait(false));
                }

                if (!await HaproxySteps.WaitServingReadsAsync(proxies, name, ServingTimeout, work.CancellationToken).ConfigureAwait(false))
                {
                    var notRouted = $"{name} streams, but HAProxy does not route reads to it after {ServingTimeout.TotalSeconds:N0} s; see Test-HaPgCluster";
                    result.Messages.Add(notRouted);
                    work.WriteWarning(notRouted);
                }

                result.Duration = clock.Elapsed;
                return result;
            }));
            return results;

            void Write(HaPgReplicaRepairResult result)
            {
                results.Add(result);
                sink.WriteObject(result);
            }
        }

        private HaPgReplicaRepairResult NewResult(HaPgNode node, ClusterSnapshot cluster, PatroniMember leader) =>
            new HaPgReplicaRepairResult
            {
                Node = node.Name,
                Role = nameof(HaPgRole.Postgres),
                Step = context.StepName,
                Leader = leader.Name,
                LeaderTimeline = leader.Timeline,
                TimelineBefore = cluster.Member(node.Name)?.Timeline,
                Inventory = context.Inventory,
            };
    }
}
