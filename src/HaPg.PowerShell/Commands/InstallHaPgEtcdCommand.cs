using System;
using System.Linq;
using System.Management.Automation;
using HaPg.Components.Common;
using HaPg.Components.Etcd;
using HaPg.Components.Tls;
using HaPg.Inventory;
using HaPg.Results;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Installs and bootstraps the etcd cluster on the inventory's Etcd nodes, and waits until every member is healthy.</summary>
    /// <remarks>
    /// <para>Steps 4 and 6 of the recipe. Installs the distro's etcd server (etcd-server and etcd-client; etcd on Ubuntu 20.04),
    /// writes /etc/default/etcd per member (its own name, listening on its own address and 127.0.0.1, never 0.0.0.0), retires
    /// the single default member the package starts at install, and starts every member at once so a new cluster of 1, 3 or 5
    /// members forms.</para>
    /// <para>Returns one result per member with its health, version and whether it leads. A second run changes nothing and
    /// restarts nothing.</para>
    /// </remarks>
    /// <example>
    /// <code>$inventory | Install-HaPgEtcd</code>
    /// <para>Installs etcd on the Etcd nodes and returns each member's health.</para>
    /// </example>
    /// <example>
    /// <code>$inventory | Set-HaPgFirewall | Install-HaPgEtcd | Format-Table Node, Healthy, IsLeader, Version</code>
    /// <para>Runs after the firewall step in a pipeline.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Install, "HaPgEtcd", SupportsShouldProcess = true)]
    [OutputType(typeof(HaPgEtcdResult))]
    public sealed class InstallHaPgEtcdCommand : NodeCmdlet
    {
        /// <summary>How long to wait for each member to report healthy, in seconds.</summary>
        [Parameter]
        [ValidateRange(5, 3600)]
        public int TimeoutSeconds { get; set; } = 120;

        protected override void Process(HaPgInventory inventory)
        {
            Operation(inventory).WarnOrRefuse(EtcdConfig.Validate(inventory));
            var nodes = SelectNodes(inventory, HaPgRole.Etcd);
            RequireSupportedPlatform(inventory, nodes);
            var ca = Operation(inventory).ClusterCa();
            var plans = nodes.Select(node => EtcdSteps.For(inventory, node, ca)).ToList();
            RunPlans(inventory, plans, "Installing etcd", async (context, outcomes) =>
            {
                context.SetStatus("waiting until the member is healthy");
                var status = await EtcdSteps.WaitHealthyAsync(inventory, context.Host, TimeSpan.FromSeconds(TimeoutSeconds), context.CancellationToken)
                    .ConfigureAwait(false);
                return new HaPgEtcdResult
                {
                    Endpoint = status.Endpoint,
                    Healthy = status.Healthy == true,
                    Version = status.Version,
                    IsLeader = status.IsLeader == true,
                    DbSizeBytes = status.DbSizeBytes,
                };
            }, HaPgRole.Etcd, () => new HaPgEtcdResult());
        }
    }
}
