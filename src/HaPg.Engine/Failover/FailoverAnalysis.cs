using System;
using System.Collections.Generic;
using System.Linq;
using HaPg.Results;

namespace HaPg.Failover
{
    /// <summary>Judges the writer's history against what the database holds after recovery. Pure.</summary>
    public static class FailoverAnalysis
    {
        /// <summary>
        /// The member that held the leader lock after the fault until <paramref name="oldLeader"/> took it back, or null when
        /// the lock never went back to the old leader. Patroni never hands the lock back by itself after a failover: this is
        /// the old leader overwriting the new leader's key (patroni/patroni#2689 before 3.0.3).
        /// </summary>
        public static string? LeaderTakenBackFrom(IEnumerable<FailoverEvent> events, string oldLeader)
        {
            if (events is null) throw new ArgumentNullException(nameof(events));

            string? newLeader = null;
            foreach (var change in events.Where(e => e.Kind == FailoverEventKind.LeaderChanged))
            {
                if (change.Node != oldLeader)
                {
                    newLeader = change.Node;
                }
                else if (newLeader is not null)
                {
                    return newLeader;
                }
            }

            return null;
        }

        /// <summary>
        /// The likely cause of a leader lock taken back, as a parenthesis for the verdict: Patroni's own overwrite on a version that
        /// has it; else, when the old leader also ran an etcd member that a freeze or cut stalled, etcd's stale-leader lease revoke;
        /// else nothing.
        /// </summary>
        public static string LockTakenBackCause(bool patroniHasOverwriteBug, bool oldLeaderRunsEtcd) =>
            patroniHasOverwriteBug
                ? $" (Patroni's leader-key overwrite, patroni/patroni#2689, fixed in {HaPg.Components.Patroni.PatroniKnownIssues.LeaderKeyOverwriteFixedIn})"
                : oldLeaderRunsEtcd
                    ? " (the old leader also ran an etcd member: most likely etcd's stale leader revoking, when it resumed, the new leader's " +
                      "lease, etcd-io/etcd#15247; keep etcd off the database nodes)"
                    : string.Empty;

        /// <summary>
        /// Lost: acknowledged ids missing from <paramref name="readBackIds"/>. Unexpected: ids read back that were
        /// never attempted, or whose attempt is Failed (definitely not committed). Unknown ids may be present or not.
        /// Write downtime: the longest stretch without an acknowledgement that ends after
        /// <paramref name="faultInjectedAt"/> (any stretch when null), measured between acknowledgement times
        /// (<see cref="WriteAttempt.End"/>); a stretch at the start runs from the first attempt's start. If the
        /// longest such stretch never ended (the last attempts were not acknowledged), writes did not recover and the
        /// downtime is unknown (null). With no outage it is the longest normal interval, about 1/rate.
        /// </summary>
        public static FailoverWriteReport Analyze(IReadOnlyCollection<WriteAttempt> attempts, IEnumerable<long> readBackIds, DateTimeOffset? faultInjectedAt)
        {
            if (attempts is null) throw new ArgumentNullException(nameof(attempts));
            if (readBackIds is null) throw new ArgumentNullException(nameof(readBackIds));

            var byId = new Dictionary<long, WriteAttempt>();
            foreach (var attempt in attempts)
            {
                if (byId.ContainsKey(attempt.Id)) throw new ArgumentException($"Write id {attempt.Id} was attempted twice.", nameof(attempts));
                byId.Add(attempt.Id, attempt);
            }

            var present = new HashSet<long>(readBackIds);
            var acknowledged = attempts.Where(a => a.Outcome == WriteOutcome.Acknowledged).OrderBy(a => a.End).ToList();
            var unknown = attempts.Where(a => a.Outcome == WriteOutcome.Unknown).ToList();
            var fault = faultInjectedAt ?? DateTimeOffset.MinValue;

            var report = new FailoverWriteReport
            {
                AttemptedWrites = attempts.Count,
                AcknowledgedWrites = acknowledged.Count,
                FailedWrites = attempts.Count(a => a.Outcome == WriteOutcome.Failed),
                UnknownWrites = unknown.Count,
                UnknownWritesPresent = unknown.Count(a => present.Contains(a.Id)),
                LostIds = acknowledged.Where(a => !present.Contains(a.Id)).Select(a => a.Id).OrderBy(id => id).ToArray(),
                UnexpectedIds = present
                    .Where(id => !byId.TryGetValue(id, out var attempt) || attempt.Outcome == WriteOutcome.Failed)
                    .OrderBy(id => id).ToArray(),
                TimelineBefore = (faultInjectedAt is null ? acknowledged.FirstOrDefault() : acknowledged.LastOrDefault(a => a.End <= fault))?.Timeline,
                TimelineAfter = acknowledged.LastOrDefault(a => a.End > fault)?.Timeline,
            };

            if (attempts.Count > 0)
            {
                MeasureOutage(report, attempts, acknowledged, fault);
            }

            return report;
        }

        private static void MeasureOutage(FailoverWriteReport report, IReadOnlyCollection<WriteAttempt> attempts, List<WriteAttempt> acknowledged, DateTimeOffset fault)
        {
            // Moments the writer is known to have been able to write: its start, then every acknowledgement.
            var marks = new List<DateTimeOffset> { attempts.Min(a => a.Start) };
            marks.AddRange(acknowledged.Select(a => a.End));

            DateTimeOffset? outageStart = null, outageEnd = null;
            for (var i = 1; i < marks.Count; i++)
            {
                if (marks[i] > fault && (outageStart is null || marks[i] - marks[i - 1] > outageEnd - outageStart))
                {
                    outageStart = marks[i - 1];
                    outageEnd = marks[i];
                }
            }

            var lastAttempt = attempts.OrderBy(a => a.End).Last();
            if (lastAttempt.Outcome != WriteOutcome.Acknowledged && lastAttempt.End > fault)
            {
                var openStart = marks[marks.Count - 1];
                if (outageStart is null || lastAttempt.End - openStart > outageEnd - outageStart)
                {
                    report.OutageStart = openStart;
                    return;
                }
            }

            report.OutageStart = outageStart;
            report.OutageEnd = outageEnd;
            report.WriteDowntime = outageEnd - outageStart;
            report.WritesRecovered = outageEnd is not null;
        }
    }
}
