using System;
using System.Management.Automation;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Operations;
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

        protected override void Process(HaPgInventory inventory) =>
            new Switchover(Operation(inventory), SelectNodes(inventory, HaPgRole.Postgres))
            {
                Candidate = Candidate,
                Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
            }.Run();
    }
}
