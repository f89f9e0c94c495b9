using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using HaPg.Components.Patroni;
using HaPg.Components.Postgres;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Reinitializes a replica that cannot follow its leader, from a fresh copy of the leader's data.</summary>
    /// <remarks>
    /// <para>Reads every selected database node first: a replica whose WAL receiver streams is left alone (Changed false). A
    /// replica that does not stream is reinitialized through its own Patroni (POST /reinitialize): Patroni stops PostgreSQL,
    /// replaces the data directory with a copy of the leader's (pg_basebackup), and starts it as a replica. It then waits until
    /// the replica streams again and every HAProxy node routes reads to it. The leader is never touched.</para>
    /// <para>The typical case is a diverged replica: its timeline history is not the leader's (a timeline ahead of the
    /// leader's, or the same timeline number reached from another switch point), so PostgreSQL refuses to stream from the
    /// leader and Patroni, which compares timeline numbers only, does not rewind it. Patroni 3.0.2's leader-key overwrite
    /// (patroni/patroni#2689, after a freeze or a partition) leaves one behind; Test-HaPgCluster's ReplicaStreaming check names it.</para>
    /// <para>The replica's own data is discarded: it asks for confirmation (ConfirmImpact High). In synchronous_mode_strict,
    /// writes wait while the only synchronous standby is rebuilt.</para>
    /// </remarks>
    /// <example>
    /// <code>$inventory | Repair-HaPgReplica</code>
    /// <para>Reinitializes, after confirmation, every replica that does not stream; the others are reported unchanged.</para>
    /// </example>
    /// <example>
    /// <code>$inventory | Repair-HaPgReplica -Node node-2 -Force -Confirm:$false</code>
    /// <para>Rebuilds node-2 from the leader even though it streams, without asking.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Repair, "HaPgReplica", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(HaPgReplicaRepairResult))]
    public sealed class RepairHaPgReplicaCommand : NodeCmdlet
    {
        /// <summary>Reinitializes the selected replicas even when they stream (a rebuild). Never the leader.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>How long each replica may take to copy the leader's data and stream again, in seconds.</summary>
        [Parameter]
        [ValidateRange(30, 86400)]
        public int TimeoutSeconds { get; set; } = 1800;

        protected override void Process(HaPgInventory inventory)
        {
            AdoptDeployedSecrets(inventory);
            var states = Runner.Run(inventory, SelectNodes(inventory, HaPgRole.Postgres), ThrottleLimit, "Reading the replicas", async context =>
            {
                var members = await PatroniApi.GetClusterAsync(context.Host, inventory, context.CancellationToken).ConfigureAwait(false);
                var facts = await ReplicaRepair.ReadAsync(context.Host, inventory, context.CancellationToken).ConfigureAwait(false);
                return new ReplicaState(context.Node, members, facts.WalReceiver, facts.History);
            }, writeResults: false);

            var members = states.Select(s => s.Members).FirstOrDefault(m => m.Count > 0) ?? Array.Empty<PatroniMember>();
            var leader = members.FirstOrDefault(m => m.IsLeader);
            if (leader is null)
            {
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(
                        $"No repair without a leader to copy from: members {string.Join("; ", members)}. Run Test-HaPgCluster."),
                    "HaPg.Repair.NoLeader", ErrorCategory.InvalidOperation, inventory.ClusterName));
                return;
            }

            var leaderHistory = ReplicaRepair.LeaderHistory(leader, states.FirstOrDefault(s => s.Node.Name == leader.Name)?.History);
            var reasons = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var state in states.OrderBy(s => s.Node.Name, StringComparer.Ordinal))
            {
                var member = members.FirstOrDefault(m => m.Name == state.Node.Name);
                if (state.Node.Name == leader.Name)
                {
                    if (Node is not null)
                    {
                        WriteError(new ErrorRecord(new InvalidOperationException(
                                $"{state.Node.Name} is the leader; only a replica can be reinitialized. Invoke-HaPgSwitchover first."),
                            "HaPg.Repair.IsLeader", ErrorCategory.InvalidArgument, state.Node.Name));
                    }

                    continue;
                }

                var reason = ReplicaRepair.Diagnose(member, state.WalReceiver, state.History, leaderHistory);
                var result = NewResult(inventory, state, leader, member);
                if (reason is null && !Force)
                {
                    result.Reason = "streaming";
                    WriteObject(result);
                    continue;
                }

                result.Reason = reason ?? "rebuild requested (-Force)";
                var action = $"Reinitialize from {leader.Name}: POST {PatroniApi.Url(inventory, state.Node, "/reinitialize")}; Patroni stops PostgreSQL, " +
                             $"replaces the data directory with a copy of the leader's, and starts it as a replica. Reason: {result.Reason}";
                if (!ShouldProcess($"{state.Node.Name} ({state.Node.Address})", action))
                {
                    result.Status = IsWhatIf ? HaPgStatus.WhatIf : HaPgStatus.Skipped;
                    result.Messages.Add(action);
                    WriteObject(result);
                    continue;
                }

                if (member?.Role == PatroniSwitchover.SyncStandbyRole)
                {
                    WriteWarning($"{state.Node.Name} is the synchronous standby: with synchronous_mode_strict, writes wait until it streams again.");
                }

                reasons[state.Node.Name] = result.Reason;
            }

            var approved = states.Where(s => reasons.ContainsKey(s.Node.Name)).ToList();
            var passwords = PatroniSteps.PasswordsFrom(inventory.Secrets);
            Runner.Run(inventory, approved.Select(s => s.Node).ToList(), ThrottleLimit, "Reinitializing replicas", async context =>
            {
                var clock = Stopwatch.StartNew();
                var state = approved.First(s => s.Node.Name == context.Node.Name);
                await ReplicaRepair.ReinitializeAsync(context.Host, inventory, new PatroniSettings().RestApiUser, passwords.RestApi!,
                    TimeSpan.FromSeconds(TimeoutSeconds), context.SetStatus, context.CancellationToken).ConfigureAwait(false);
                var result = NewResult(inventory, state, leader, members.FirstOrDefault(m => m.Name == state.Node.Name));
                result.Changed = true;
                result.Reason = reasons[state.Node.Name];
                result.Messages.Add($"reinitialized from {leader.Name} and streaming");

                context.SetStatus("waiting until HAProxy routes reads to it");
                var proxies = new List<IRemoteHost>();
                foreach (var proxy in inventory.NodesWithRole(HaPgRole.Haproxy))
                {
                    proxies.Add(await context.HostForAsync(proxy).ConfigureAwait(false));
                }

                if (!await ReplicaRepair.WaitServingReadsAsync(proxies, state.Node.Name, TimeSpan.FromSeconds(60), context.CancellationToken).ConfigureAwait(false))
                {
                    var notRouted = $"{state.Node.Name} streams, but HAProxy does not route reads to it after 60 s; see Test-HaPgCluster";
                    result.Messages.Add(notRouted);
                    context.WriteWarning(notRouted);
                }

                result.Duration = clock.Elapsed;
                return result;
            });
        }

        private HaPgReplicaRepairResult NewResult(HaPgInventory inventory, ReplicaState state, PatroniMember leader, PatroniMember? member) =>
            new HaPgReplicaRepairResult
            {
                Node = state.Node.Name,
                Role = nameof(HaPgRole.Postgres),
                Step = CommandName,
                Leader = leader.Name,
                LeaderTimeline = leader.Timeline,
                TimelineBefore = member?.Timeline,
                Inventory = inventory,
            };

        private sealed class ReplicaState
        {
            public ReplicaState(HaPgNode node, IReadOnlyList<PatroniMember> members, string walReceiver, TimelineHistory? history)
            {
                Node = node;
                Members = members;
                WalReceiver = walReceiver;
                History = history;
            }

            public HaPgNode Node { get; }
            public IReadOnlyList<PatroniMember> Members { get; }
            public string WalReceiver { get; }
            public TimelineHistory? History { get; }
        }
    }
}
