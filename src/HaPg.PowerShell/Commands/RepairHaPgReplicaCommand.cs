using System;
using System.Management.Automation;
using HaPg.Inventory;
using HaPg.Operations;
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

        protected override void Process(HaPgInventory inventory) =>
            new ReplicaRebuild(Operation(inventory), SelectNodes(inventory, HaPgRole.Postgres))
            {
                Force = Force,
                NodesNamed = Node is not null,
                Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
            }.Run();
    }
}
