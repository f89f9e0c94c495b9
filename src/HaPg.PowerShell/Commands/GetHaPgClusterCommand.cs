using System.Linq;
using System.Management.Automation;
using HaPg.Components.Cluster;
using HaPg.Components.Haproxy;
using HaPg.Inventory;
using HaPg.Results;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Shows the cluster's members as patronictl list does, with HAProxy's and etcd's view.</summary>
    /// <remarks>
    /// <para>One object per Patroni member: role (Leader, Replica, Sync Standby), state, timeline and lag in bytes, as Patroni's
    /// REST API reports them, plus whether each HAProxy node routes to it on 5000 and 5001, and etcd's health. Reads only; it
    /// changes nothing.</para>
    /// </remarks>
    /// <example>
    /// <code>$inventory | Get-HaPgCluster</code>
    /// <para>Shows every member in a table.</para>
    /// </example>
    /// <example>
    /// <code>($inventory | Get-HaPgCluster | Where-Object Role -eq Leader).Member</code>
    /// <para>Gets the current leader's name.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "HaPgCluster")]
    [OutputType(typeof(HaPgClusterMember))]
    public sealed class GetHaPgClusterCommand : NodeCmdlet
    {
        protected override void Process(HaPgInventory inventory)
        {
            var snapshot = ClusterReader.Read(Runner, inventory, inventory.Nodes, ClusterViews.Haproxy | ClusterViews.Etcd, ThrottleLimit);
            var healthy = snapshot.Etcd.Count(e => e.Healthy == true);
            var etcdLeader = snapshot.Etcd.FirstOrDefault(e => e.IsLeader == true)?.Node;
            var etcd = $"{healthy}/{snapshot.Etcd.Count} healthy{(etcdLeader is null ? string.Empty : ", leader " + etcdLeader)}";
            string Route(string member, string proxy) => string.Join(" ", snapshot.Haproxy
                .Select(h => $"{h.Key}:{h.Value.FirstOrDefault(s => s.Proxy == proxy && s.Server == member)?.Status ?? "-"}"));

            foreach (var member in snapshot.Members.Where(m => Node is null || Node.Contains(m.Name)))
            {
                WriteObject(new HaPgClusterMember
                {
                    Member = member.Name,
                    Host = member.Host,
                    Role = member.Role,
                    State = member.State,
                    Timeline = member.Timeline,
                    LagBytes = member.LagBytes,
                    PendingRestart = member.PendingRestart,
                    HaproxyPrimary = Route(member.Name, HaproxyConfig.PrimaryProxy),
                    HaproxyReplicas = Route(member.Name, HaproxyConfig.ReplicasProxy),
                    Etcd = etcd,
                    Inventory = inventory,
                });
            }
        }
    }
}
