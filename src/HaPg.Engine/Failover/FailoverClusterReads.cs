using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Cluster;
using HaPg.Components.Common;
using HaPg.Components.Patroni;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Remote;

namespace HaPg.Failover
{
    /// <summary>What a failover test reads of the cluster before and after the fault: Patroni's members and config, divergence, the virtual IP's holder.</summary>
    internal sealed class FailoverClusterReads
    {
        private readonly HaPgInventory inventory;
        private readonly NodeContext context;

        public FailoverClusterReads(HaPgInventory inventory, NodeContext context)
        {
            this.inventory = inventory;
            this.context = context;
        }

        private CancellationToken Cancel => context.CancellationToken;

        /// <summary>Replicas whose timeline history the leader's does not continue (stuck until reinitialized), with the reason.</summary>
        public async Task<IReadOnlyDictionary<string, string>> FindDivergedReplicasAsync() =>
            (await ClusterReader.ReadAsync(inventory, context.HostForAsync, ClusterViews.Replicas, Cancel).ConfigureAwait(false)).Diverged;

        /// <summary>
        /// One leader, every member streaming, and in synchronous mode a synchronous standby chosen: right after a switchover
        /// Patroni names the new leader's standby a loop later, and a switchover to another replica meanwhile is refused (412).
        /// </summary>
        public async Task<IReadOnlyList<PatroniMember>> WaitHealthyAsync(TimeSpan timeout, bool synchronous)
        {
            var expected = inventory.NodesWithRole(HaPgRole.Postgres).Count();
            bool Healthy(IReadOnlyList<PatroniMember> m) =>
                m.Count(x => x.IsLeader && x.State == "running") == 1 && m.Count == expected
                && m.All(x => x.IsLeader || (x.LagBytes is not null && x.IsRunningReplica))
                && (!synchronous || m.Any(x => x.Role == PatroniSwitchover.SyncStandbyRole));

            var (members, healthy) = await Poll.UntilAsync(ReadClusterFromAnyMemberAsync, Healthy, timeout, TimeSpan.FromSeconds(1), Cancel)
                .ConfigureAwait(false);
            if (healthy)
            {
                return members;
            }

            throw new HaPgRemoteException("HaPg.Failover.ClusterNotHealthy", System.Management.Automation.ErrorCategory.InvalidOperation, context.Node,
                $"The cluster is not healthy, so no fault is injected: members {string.Join("; ", members)}. Run Test-HaPgCluster.");
        }

        /// <summary>GET /cluster from the first database node that answers; empty if none does.</summary>
        public async Task<IReadOnlyList<PatroniMember>> ReadClusterFromAnyMemberAsync() =>
            (await ClusterReader.ReadAsync(inventory, context.HostForAsync, ClusterViews.Members, Cancel).ConfigureAwait(false)).Members;

        /// <summary>Patroni's dynamic synchronous_mode, ttl and loop_wait, from the first database node that answers GET /config.</summary>
        public async Task<(bool Synchronous, long? Ttl, long? LoopWait)> ReadDynamicConfigAsync()
        {
            foreach (var node in inventory.NodesWithRole(HaPgRole.Postgres))
            {
                try
                {
                    var (status, body) = await PatroniApi.GetAsync(await context.HostForAsync(node).ConfigureAwait(false), inventory, node, "/config", Cancel)
                        .ConfigureAwait(false);
                    if (status == 200)
                    {
                        var config = DataTree.ParseMap(body);
                        return (config.Bool("synchronous_mode") == true, config.Long("ttl"), config.Long("loop_wait"));
                    }
                }
                catch (HaPgRemoteException)
                {
                }
            }

            return (false, null, null);
        }

        /// <summary>The HAProxy node that alone holds the virtual IP, or null when none or several do.</summary>
        public async Task<string?> FindVirtualIPHolderAsync()
        {
            var holders = await Components.Keepalived.KeepalivedSteps.ReadHoldersAsync(inventory, context.HostForAsync, Cancel).ConfigureAwait(false);
            return holders.Count == 1 ? holders[0] : null;
        }
    }
}
