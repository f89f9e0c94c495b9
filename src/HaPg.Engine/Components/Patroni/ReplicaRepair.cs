using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Common;
using HaPg.Components.Postgres;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Remote;

namespace HaPg.Components.Patroni
{
    /// <summary>
    /// A replica that cannot follow its leader by itself, and its repair: Patroni's reinitialize (the data directory is
    /// replaced by a fresh copy of the leader's), awaited until the replica streams again.
    /// </summary>
    public static class ReplicaRepair
    {
        private const string DivergedPrefix = "diverged: ";

        /// <summary>
        /// Why the replica needs a repair, or null when it streams. A replica whose timeline history the leader's does not
        /// continue has diverged (e.g. it followed, or was, a leader that Patroni 3.0.2's patroni/patroni#2689 then
        /// overwrote): PostgreSQL refuses to stream a history it does not share, and Patroni, which compares only timeline
        /// numbers, does not rewind it.
        /// </summary>
        public static string? Diagnose(PatroniMember? member, string walReceiver, TimelineHistory? history, TimelineHistory? leaderHistory)
        {
            if (member is null)
            {
                return "not a member of the cluster";
            }

            if (member.IsLeader || walReceiver == "streaming")
            {
                return null;
            }

            return history is not null && leaderHistory is not null && history.DivergenceFrom(leaderHistory) is string divergence
                ? $"{DivergedPrefix}{divergence}, and cannot follow the leader"
                : $"not streaming (state {member.State}, wal receiver '{walReceiver}')";
        }

        /// <summary>
        /// The leader's history as read on the leader (its newest history file is written at promotion, before Patroni
        /// reports the new timeline), or only Patroni's timeline number when the leader could not be read.
        /// </summary>
        public static TimelineHistory? LeaderHistory(PatroniMember leader, TimelineHistory? read) =>
            read ?? (leader.Timeline is long timeline ? TimelineHistory.NumberOnly(timeline) : null);

        /// <summary>True when <see cref="Diagnose"/>'s reason is a divergence, which only a reinitialize repairs.</summary>
        public static bool IsDivergence(string? reason) => reason is not null && reason.StartsWith(DivergedPrefix, StringComparison.Ordinal);

        /// <summary>The node's WAL receiver status, postmaster start and newest timeline history, in one query; empty when PostgreSQL is down.</summary>
        public static async Task<ReplicaFacts> ReadAsync(IRemoteHost host, HaPgInventory inventory, CancellationToken cancellationToken)
        {
            var output = await host.ExecuteAsync(new RemoteCommand(ReadCommand(inventory)) { LogStdout = false }, cancellationToken).ConfigureAwait(false);
            return ReplicaFacts.Parse(output.Stdout);
        }

        /// <summary>The shell command <see cref="ReadAsync"/> runs; its output parses with <see cref="ReplicaFacts.Parse"/>.</summary>
        public static string ReadCommand(HaPgInventory inventory) =>
            LocalPsql.Command(inventory, "select coalesce((select status from pg_stat_wal_receiver), '') || '|' || pg_postmaster_start_time() || '|' || (" +
                                         TimelineHistory.NewestSql + ")") + " 2>/dev/null";

        /// <summary>
        /// Asks the replica's own Patroni to reinitialize it (POST /reinitialize), then waits until it is a running
        /// replica whose WAL receiver streams.
        /// </summary>
        public static async Task ReinitializeAsync(IRemoteHost host, HaPgInventory inventory, string restApiUser, string restApiPassword,
            TimeSpan timeout, Action<string> status, CancellationToken cancellationToken)
        {
            // Patroni answers before it stops PostgreSQL: only a new postmaster that streams is the reinitialized replica.
            var before = await ReadAsync(host, inventory, cancellationToken).ConfigureAwait(false);
            status("reinitializing from the leader");
            await PatroniApi.SendAsync(host, inventory, "POST", "/reinitialize", "{}", restApiUser, restApiPassword, cancellationToken)
                .ConfigureAwait(false);

            status("waiting until it streams");
            var name = host.Node.Name;
            async Task<bool> StreamsAsync()
            {
                var members = await PatroniApi.GetClusterAsync(host, inventory, cancellationToken).ConfigureAwait(false);
                var member = members.FirstOrDefault(m => m.Name == name);
                if (member is null || !member.IsRunningReplica)
                {
                    return false;
                }

                var facts = await ReadAsync(host, inventory, cancellationToken).ConfigureAwait(false);
                return facts.WalReceiver == "streaming" && facts.PostmasterStart != before.PostmasterStart;
            }

            var (_, streaming) = await Poll.UntilAsync(StreamsAsync, s => s, timeout, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            if (!streaming)
            {
                throw new HaPgRemoteException("HaPg.Repair.NotStreaming", System.Management.Automation.ErrorCategory.OperationTimeout, host.Node,
                    $"{name}: reinitialized, but not streaming after {timeout.TotalSeconds:N0} s. See journalctl -u patroni on {name}.");
            }
        }
    }

    /// <summary>What <see cref="ReplicaRepair.ReadAsync"/> read on one node.</summary>
    public sealed class ReplicaFacts
    {
        public string WalReceiver { get; set; } = string.Empty;
        public string PostmasterStart { get; set; } = string.Empty;

        /// <summary>The newest timeline history in pg_wal; null when unread.</summary>
        public TimelineHistory? History { get; set; }

        /// <summary>"status|start|history"; all empty when the query printed nothing.</summary>
        public static ReplicaFacts Parse(string text)
        {
            var parts = text.Trim().Split(new[] { '|' }, 3);
            return parts.Length < 3
                ? new ReplicaFacts()
                : new ReplicaFacts { WalReceiver = parts[0], PostmasterStart = parts[1], History = TimelineHistory.Parse(parts[2]) };
        }
    }
}
