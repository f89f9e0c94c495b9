using System;
using System.Linq;
using System.Management.Automation;
using HaPg.Inventory;
using HaPg.Operations;
using HaPg.Results;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Issues every node's TLS certificates anew from the cluster CA, one node at a time, and measures the write downtime.</summary>
    /// <remarks>
    /// <para>For each node in inventory order: a new key and certificate for each of its services (etcd, Patroni and PostgreSQL,
    /// HAProxy's stats page), written over SSH stdin into 0600 files of the service's user; then Patroni and HAProxy reload
    /// (PostgreSQL reloads through Patroni), and etcd takes the new certificate on its next connection. Nothing restarts. The
    /// node is awaited healthy (etcd healthy, Patroni answering over its new certificate, HAProxy's checks settled) before the next
    /// one starts; a node that fails stops the rotation, and the nodes after it keep their certificates.</para>
    /// <para>Meanwhile a writer inserts through HAProxy (the virtual IP when there is one) as the application role, over TLS: each
    /// result carries the longest gap between acknowledged writes while its node rotated, and the writes lost (0 expected).
    /// -NoWriter skips it.</para>
    /// <para>Needs the cluster CA's key: the session that installed the cluster, or Import-HaPgInventory -SecretsPath. The
    /// installing cmdlets already renew certificates within 30 days of expiry or whose names no longer match; this rotates all.</para>
    /// </remarks>
    /// <example>
    /// <code>$inventory | Update-HaPgCertificate | Format-Table Node, NotAfter, LongestWriteGap, LostWrites</code>
    /// <para>Rotates every certificate of the cluster, and shows each node's new expiry and the writer's longest gap.</para>
    /// </example>
    /// <example>
    /// <code>$inventory | Update-HaPgCertificate -Node node-2 -WhatIf</code>
    /// <para>Lists the files node-2 would get and the services it would reload, touching nothing.</para>
    /// </example>
    [Cmdlet(VerbsData.Update, "HaPgCertificate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(HaPgCertificateResult))]
    public sealed class UpdateHaPgCertificateCommand : NodeCmdlet
    {
        /// <summary>How long to wait for each node's services to be healthy again, in seconds.</summary>
        [Parameter]
        [ValidateRange(5, 600)]
        public int TimeoutSeconds { get; set; } = 60;

        /// <summary>Rotates without the writer (no write downtime is measured).</summary>
        [Parameter]
        public SwitchParameter NoWriter { get; set; }

        protected override void Process(HaPgInventory inventory) =>
            new CertificateRotation(Operation(inventory), TimeSpan.FromSeconds(TimeoutSeconds), measureWrites: !NoWriter)
                .Run(SelectNodes(inventory, HaPgRole.None).ToList());
    }
}
