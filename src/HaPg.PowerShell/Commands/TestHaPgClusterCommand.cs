using System.Linq;
using System.Management.Automation;
using HaPg.Components.Cluster;
using HaPg.Inventory;
using HaPg.Operations;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Checks that the cluster is healthy and safe; one object per check, with Name, Node, Passed and Detail.</summary>
    /// <remarks>
    /// <para>The checks a runbook or a Pester suite asserts on: exactly one leader; every replica streaming with lag under
    /// -MaxLagBytes; each HAProxy routing 5000 to the leader alone and 5001 to the running replicas; etcd healthy; the distro's
    /// PostgreSQL disabled (postgresql.service and every distro cluster's start.conf); pg_hba.conf with no entry open to the
    /// world and no trust; config.yml and the data directory owned by postgres with modes 0600 and 0700.</para>
    /// <para>A streaming replica over the lag bound is read again, every 2 s for up to -LagSettleSeconds, before it fails:
    /// Patroni compares positions reported up to a loop apart, so right after a WAL segment switch a caught-up replica can
    /// show a whole segment (16 MB) of lag for a moment. A replica that really lags still fails, with its last lag.</para>
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

        /// <summary>How long a streaming replica above -MaxLagBytes is read again before its check fails, in seconds (0: no second reading).</summary>
        [Parameter]
        [ValidateRange(0, 300)]
        public int LagSettleSeconds { get; set; } = 12;

        protected override void Process(HaPgInventory inventory)
        {
            var operation = Operation(inventory);
            if (!operation.AdoptDeployedSecrets(DeployedSecretFile.Application))
            {
                WriteVerbose("No database node holds " + Components.Postgres.ApplicationRole.SecretPath + "; the virtual IP check logs in with the session's application password.");
            }

            operation.ClusterCa(); // the virtual IP check verifies PostgreSQL's certificate against it
            var snapshot = ClusterReader.Read(Runner, inventory, ThrottleLimit);
            var deadline = System.DateTime.UtcNow.AddSeconds(LagSettleSeconds);
            for (var lagging = ClusterChecks.LaggingOnly(snapshot, MaxLagBytes); lagging.Count > 0 && System.DateTime.UtcNow < deadline && !Stopping;
                 lagging = ClusterChecks.LaggingOnly(snapshot, MaxLagBytes))
            {
                WriteVerbose($"{string.Join(", ", lagging)}: streaming, but lag above {MaxLagBytes} bytes as Patroni last reported it; reading again in 2 s.");
                System.Threading.Thread.Sleep(2000);
                snapshot = ClusterReader.Read(Runner, inventory, ThrottleLimit);
            }

            foreach (var check in ClusterChecks.Evaluate(inventory, snapshot, MaxLagBytes)
                         .Where(c => Node is null || Node.Any(n => c.Node.Split(',').Contains(n))))
            {
                WriteObject(check);
            }
        }
    }
}
