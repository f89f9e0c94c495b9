using System;
using System.Collections.Generic;
using System.Linq;
using HaPg.Results;

namespace HaPg.Failover
{
    /// <summary>What <see cref="FailoverAnalysis.Analyze"/> found in one writer history.</summary>
    public sealed class FailoverWriteReport
    {
        public int AttemptedWrites { get; internal set; }
        public int AcknowledgedWrites { get; internal set; }
        public int FailedWrites { get; internal set; }
        public int UnknownWrites { get; internal set; }

        /// <summary>Unknown writes that did commit (found in the read-back).</summary>
        public int UnknownWritesPresent { get; internal set; }

        public IReadOnlyList<long> LostIds { get; internal set; } = Array.Empty<long>();
        public int LostWrites => LostIds.Count;
        public IReadOnlyList<long> UnexpectedIds { get; internal set; } = Array.Empty<long>();
        public int UnexpectedWrites => UnexpectedIds.Count;

        /// <summary>The last acknowledgement (or the writer's start) before the outage.</summary>
        public DateTimeOffset? OutageStart { get; internal set; }

        /// <summary>The first acknowledgement after the outage; null if writes did not recover.</summary>
        public DateTimeOffset? OutageEnd { get; internal set; }

        public TimeSpan? WriteDowntime { get; internal set; }
        public bool WritesRecovered { get; internal set; }

        /// <summary>Timeline of the last acknowledged write before the fault (the first one when no fault time is given).</summary>
        public int? TimelineBefore { get; internal set; }

        /// <summary>Timeline of the last acknowledged write after the fault.</summary>
        public int? TimelineAfter { get; internal set; }

        /// <summary>Nothing lost, nothing unexpected, and writes were acknowledged again.</summary>
        public bool Clean => LostWrites == 0 && UnexpectedWrites == 0 && WritesRecovered;

        /// <summary>Copies the write-side findings onto a failover result; the cluster-side fields stay as they are.</summary>
        public void ApplyTo(HaPgFailoverResult result)
        {
            if (result is null) throw new ArgumentNullException(nameof(result));
            result.AcknowledgedWrites = AcknowledgedWrites;
            result.LostWrites = LostWrites;
            result.LostIds = LostIds.ToArray();
            result.UnexpectedWrites = UnexpectedWrites;
            result.UnexpectedIds = UnexpectedIds.ToArray();
            result.UnknownWrites = UnknownWrites;
            result.WriteDowntime = WriteDowntime;
            result.WriteOutageStart = OutageStart;
            result.WriteOutageEnd = OutageEnd;
            result.TimelineBefore = TimelineBefore;
            result.TimelineAfter = TimelineAfter;
        }
    }
}
