using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Common;
using HaPg.Inventory;
using HaPg.Remote;

namespace HaPg.Components.Patroni
{
    /// <summary>A planned switchover through Patroni's REST API (POST /switchover), awaited until the candidate leads.</summary>
    public static class PatroniSwitchover
    {
        /// <summary>The running replica with the least lag: the best switchover or failover candidate.</summary>
        public static PatroniMember? BestCandidate(IEnumerable<PatroniMember> members) =>
            members.Where(m => !m.IsLeader && (m.State == "running" || m.State == "streaming"))
                .OrderBy(m => m.LagBytes ?? long.MaxValue).ThenBy(m => m.Name, StringComparer.Ordinal)
                .FirstOrDefault();

        /// <summary>
        /// Asks the leader's Patroni to hand over to <paramref name="candidate"/>, then waits until the candidate is the
        /// running leader. Returns the members as seen then.
        /// </summary>
        public static async Task<IReadOnlyList<PatroniMember>> SwitchAsync(IRemoteHost leaderHost, HaPgInventory inventory, string leader, string candidate,
            string restApiUser, string restApiPassword, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var body = DataTree.ToJson(new DataMap { { "leader", leader }, { "candidate", candidate } });
            await PatroniApi.SendAsync(leaderHost, inventory, "POST", "/switchover", body, restApiUser, restApiPassword, cancellationToken)
                .ConfigureAwait(false);
            return await PatroniApi.WaitAsync(leaderHost, inventory,
                m => m.Any(x => x.IsLeader && x.Name == candidate && x.State == "running"),
                $"{candidate} leading", timeout, cancellationToken).ConfigureAwait(false);
        }
    }
}
