using System.Linq;
using System.Management.Automation;
using HaPg.Components.Cluster;
using HaPg.Inventory;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Checks that the cluster is healthy and safe; one object per check, with Name, Node, Passed and Detail.</summary>
    /// <remarks>
    /// <para>The checks a runbook or a Pester suite asserts on: exactly one leader; every replica streaming with lag under
    /// -MaxLagBytes; each HAProxy routing 5000 to the leader alone and 5001 to the running replicas; etcd healthy; the distro's
    /// PostgreSQL disabled (postgresql.service and every distro cluster's start.conf); pg_hba.conf with no entry open to the
    /// world and no trust; config.yml and the data directory owned by postgres with modes 0600 and 0700.</para>
    /// <para>Reads only; it changes nothing. examples/Cluster.Tests.ps1 is a Pester file built on it.</para>
    /// </remarks>
    /// <example>
    /// <code>$inventory | Test-HaPgCluster | Where-Object { -not $_.Passed }</code>
    /// <para>Lists the failed checks, if any.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Test, "HaPgCluster")]
    [OutputType(typeof(ClusterCheck))]
    public sealed class TestHaPgClusterCommand : NodeCmdlet
    {
        /// <summary>The largest replication lag, in bytes, a streaming replica may have to pass.</summary>
        [Parameter]
        [ValidateRange(0, long.MaxValue)]
        public long MaxLagBytes { get; set; } = 1048576;

        protected override void Process(HaPgInventory inventory)
        {
            var snapshot = ClusterReader.Read(Runner, inventory, ThrottleLimit);
            foreach (var check in ClusterChecks.Evaluate(inventory, snapshot, MaxLagBytes)
                         .Where(c => Node is null || Node.Any(n => c.Node.Split(',').Contains(n))))
            {
                WriteObject(check);
            }
        }
    }
}
