using System;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using HaPg.Components.Patroni;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Hands the leader role to a chosen replica, or to the best one, through Patroni's REST API.</summary>
    /// <remarks>
    /// <para>A planned switchover (POST /switchover on the leader's Patroni): the leader stops cleanly, the candidate is promoted,
    /// and the old leader follows it as a replica. Without -Candidate the running replica with the least lag is chosen. It waits
    /// until the candidate is the running leader.</para>
    /// <para>In synchronous mode only a synchronous standby can be promoted: another candidate is refused with
    /// HaPg.Switchover.NotSyncStandby before anything is asked of Patroni.</para>
    /// <para>Writes pause for a few seconds: it asks for confirmation (ConfirmImpact High); -Confirm:$false skips it.</para>
    /// </remarks>
    /// <example>
    /// <code>$inventory | Invoke-HaPgSwitchover -Candidate node-2</code>
    /// <para>Makes node-2 the leader, after confirmation.</para>
    /// </example>
    /// <example>
    /// <code>$inventory | Invoke-HaPgSwitchover -Confirm:$false</code>
    /// <para>Switches over to the best replica without asking.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Invoke, "HaPgSwitchover", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(HaPgSwitchoverResult))]
    public sealed class InvokeHaPgSwitchoverCommand : NodeCmdlet
    {
        /// <summary>The replica to promote. By default the running replica with the least lag.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public string? Candidate { get; set; }

        /// <summary>How long to wait for the candidate to lead, in seconds.</summary>
        [Parameter]
        [ValidateRange(5, 600)]
        public int TimeoutSeconds { get; set; } = 60;

        protected override void Process(HaPgInventory inventory)
        {
            AdoptDeployedSecrets(inventory);
            var members = Runner.Run(inventory, SelectNodes(inventory, HaPgRole.Postgres), ThrottleLimit, "Reading the cluster",
                    context => PatroniApi.GetClusterAsync(context.Host, inventory, context.CancellationToken), writeResults: false)
                .FirstOrDefault(m => m.Count > 0);
            var leader = members?.FirstOrDefault(m => m.IsLeader);
            var candidate = Candidate is null ? PatroniSwitchover.BestCandidate(members ?? Array.Empty<PatroniMember>())
                : members?.FirstOrDefault(m => m.Name.Equals(Candidate, StringComparison.OrdinalIgnoreCase) && !m.IsLeader);
            if (leader is null || candidate is null)
            {
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(
                        $"No switchover possible: leader {leader?.Name ?? "none"}, candidate {Candidate ?? "(best replica)"} not a running replica; members: {string.Join("; ", members ?? Array.Empty<PatroniMember>())}."),
                    "HaPg.Switchover.NoCandidate", ErrorCategory.InvalidOperation, Candidate ?? inventory.ClusterName));
                return;
            }

            if (PatroniSwitchover.Refusal(members!, candidate) is string refusal)
            {
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(refusal), "HaPg.Switchover.NotSyncStandby",
                    ErrorCategory.InvalidArgument, candidate.Name));
                return;
            }

            if (!ShouldProcess(inventory.ClusterName, $"Switch over from {leader.Name} to {candidate.Name}"))
            {
                return;
            }

            var leaderNode = inventory.FindNode(leader.Name)!;
            var passwords = PatroniSteps.PasswordsFrom(inventory.Secrets);
            Runner.Run(inventory, new[] { leaderNode }, 1, "Switching over", async context =>
            {
                var clock = Stopwatch.StartNew();
                context.SetStatus($"handing over to {candidate.Name}");
                var after = await PatroniSwitchover.SwitchAsync(context.Host, inventory, leader.Name, candidate.Name, new PatroniSettings().RestApiUser,
                    passwords.RestApi!, TimeSpan.FromSeconds(TimeoutSeconds), context.CancellationToken).ConfigureAwait(false);
                return new HaPgSwitchoverResult
                {
                    Node = leader.Name,
                    Role = nameof(HaPgRole.Postgres),
                    Step = CommandName,
                    Changed = true,
                    Duration = clock.Elapsed,
                    OldLeader = leader.Name,
                    NewLeader = candidate.Name,
                    TimelineBefore = leader.Timeline,
                    TimelineAfter = after.FirstOrDefault(m => m.IsLeader)?.Timeline,
                    Inventory = inventory,
                };
            });
        }
    }
}
