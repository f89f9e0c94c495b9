using System.Linq;
using System.Management.Automation;
using HaPg.Components.Patroni;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.Failover.Scenarios
{
    /// <summary>The nodes a scenario can fault, chosen from the cluster before the fault, with the refusals when there is none to fault.</summary>
    public static class FailoverTargets
    {
        /// <summary>The Patroni leader's node.</summary>
        public static HaPgNode Leader(FailoverScenarioContext run) => Node(run, run.Leader.Name);

        /// <summary>The replica a switchover would pick: the synchronous standby, else the running replica with the least lag.</summary>
        public static HaPgNode BestReplica(FailoverScenarioContext run) => Node(run, PatroniSwitchover.BestCandidate(run.Members)!.Name);

        /// <summary>An etcd member off the leader's node, the last in the inventory; refused with fewer than 3, which one loss would leave without quorum.</summary>
        public static HaPgNode EtcdMember(FailoverScenarioContext run)
        {
            var etcd = run.Inventory.NodesWithRole(HaPgRole.Etcd).ToList();
            if (etcd.Count < 3)
            {
                throw new HaPgRemoteException("HaPg.Failover.TooFewEtcdMembers", ErrorCategory.InvalidOperation, run.Anchor,
                    $"EtcdMemberLoss needs at least 3 etcd members; the inventory has {etcd.Count}: losing one would lose quorum.");
            }

            return etcd.LastOrDefault(n => n.Name != run.Leader.Name) ?? etcd.Last();
        }

        /// <summary>The HAProxy node that holds the virtual IP; refused without a virtual IP, a second HAProxy node to take it, or a holder.</summary>
        public static HaPgNode VirtualIPHolder(FailoverScenarioContext run, HaPgFailoverScenario scenario)
        {
            var inventory = run.Inventory;
            var proxies = inventory.NodesWithRole(HaPgRole.Haproxy).Count();
            if (inventory.VirtualIP is null || proxies < 2 || run.VirtualIPHolder is null)
            {
                throw new HaPgRemoteException("HaPg.Failover.NoVirtualIP", ErrorCategory.InvalidOperation, run.Anchor,
                    $"{scenario} needs a virtual IP held by one of at least two HAProxy nodes; " +
                    (inventory.VirtualIP is null ? "the inventory has none (New-HaPgInventory -VirtualIP)."
                        : proxies < 2 ? $"the inventory has {proxies} HAProxy node(s)." : $"no HAProxy node holds {inventory.VirtualIP} (Test-HaPgCluster)."));
            }

            return Node(run, run.VirtualIPHolder);
        }

        private static HaPgNode Node(FailoverScenarioContext run, string name) => run.Inventory.FindNode(name)
            ?? throw new HaPgRemoteException("HaPg.Failover.UnknownMember", ErrorCategory.ObjectNotFound, run.Anchor,
                $"Patroni member '{name}' is not in the inventory.");
    }
}
