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
        public const string SyncStandbyRole = "sync_standby";

        /// <summary>
        /// The best switchover candidate: a running synchronous standby if there is one (in synchronous mode Patroni promotes
        /// no other), else the running replica with the least lag.
        /// </summary>
        public static PatroniMember? BestCandidate(IEnumerable<PatroniMember> members) =>
            members.Where(m => m.IsRunningReplica)
                .OrderBy(m => m.Role == SyncStandbyRole ? 0 : 1).ThenBy(m => m.LagBytes ?? long.MaxValue).ThenBy(m => m.Name, StringComparer.Ordinal)
                .FirstOrDefault();

        /// <summary>Why <paramref name="candidate"/> cannot be promoted, or null when it can.</summary>
        public static string? Refusal(IReadOnlyCollection<PatroniMember> members, PatroniMember candidate)
        {
            var sync = members.Where(m => m.Role == SyncStandbyRole).Select(m => m.Name).ToList();
            return sync.Count > 0 && !sync.Contains(candidate.Name)
                ? $"In synchronous mode only a synchronous standby ({string.Join(", ", sync)}) can be promoted; {candidate.Name} is not one."
                : null;
        }

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
