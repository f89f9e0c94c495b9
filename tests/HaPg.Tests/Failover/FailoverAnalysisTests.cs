using System;
using System.Collections.Generic;
using System.Linq;
using HaPg.Failover;
using HaPg.Results;
using Xunit;

namespace HaPg.Tests.Failover
{
    public sealed class FailoverAnalysisTests
    {
        private static readonly DateTimeOffset T0 = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

        private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

        /// <summary>One attempt every 50 ms from <paramref name="from"/>; each takes 10 ms.</summary>
        private static IEnumerable<WriteAttempt> Writes(ref long id, double from, double to, WriteOutcome outcome, int? timeline = 1)
        {
            var list = new List<WriteAttempt>();
            for (var t = from; t < to - 1e-9; t += 0.05)
            {
                list.Add(new WriteAttempt(++id, At(t), At(t + 0.01), outcome,
                    outcome == WriteOutcome.Acknowledged ? null : "boom",
                    outcome == WriteOutcome.Acknowledged ? timeline : null));
            }

            return list;
        }

        private static long[] Acked(IEnumerable<WriteAttempt> attempts) =>
            attempts.Where(a => a.Outcome == WriteOutcome.Acknowledged).Select(a => a.Id).ToArray();

        [Fact]
        public void NoOutageGivesNormalIntervalAndNothingLost()
        {
            long id = 0;
            var attempts = Writes(ref id, 0, 5, WriteOutcome.Acknowledged).ToList();

            var report = FailoverAnalysis.Analyze(attempts, Acked(attempts), At(2));

            Assert.Equal(100, report.AcknowledgedWrites);
            Assert.Equal(0, report.LostWrites);
            Assert.Equal(0, report.UnexpectedWrites);
            Assert.True(report.WritesRecovered);
            Assert.Equal(TimeSpan.FromMilliseconds(50), RoundToMs(report.WriteDowntime!.Value));
            Assert.Equal(1, report.TimelineBefore);
            Assert.Equal(1, report.TimelineAfter);
            Assert.True(report.Clean);
        }

        [Fact]
        public void OutageRunsFromLastAcknowledgementToFirstOneAfter()
        {
            long id = 0;
            var attempts = Writes(ref id, 0, 3, WriteOutcome.Acknowledged).ToList();
            attempts.AddRange(Writes(ref id, 3, 7, WriteOutcome.Failed));
            attempts.AddRange(Writes(ref id, 7, 9, WriteOutcome.Acknowledged, timeline: 2));

            var report = FailoverAnalysis.Analyze(attempts, Acked(attempts), At(3.0));

            // Last ack ends at 2.95 + 0.01, first ack after ends at 7.00 + 0.01.
            Assert.Equal(2960, MsSinceT0(report.OutageStart!.Value));
            Assert.Equal(7010, MsSinceT0(report.OutageEnd!.Value));
            Assert.Equal(TimeSpan.FromMilliseconds(4050), RoundToMs(report.WriteDowntime!.Value));
            Assert.Equal(1, report.TimelineBefore);
            Assert.Equal(2, report.TimelineAfter);
            Assert.Equal(80, report.FailedWrites);
            Assert.True(report.Clean);
        }

        [Fact]
        public void OutageBeforeTheFaultIsNotTheFailoverDowntime()
        {
            long id = 0;
            var attempts = Writes(ref id, 0, 1, WriteOutcome.Acknowledged).ToList();
            attempts.AddRange(Writes(ref id, 1, 6, WriteOutcome.Failed));        // 5 s blip long before the fault
            attempts.AddRange(Writes(ref id, 6, 10, WriteOutcome.Acknowledged));
            attempts.AddRange(Writes(ref id, 10, 12, WriteOutcome.Unknown));     // the failover: 2 s
            attempts.AddRange(Writes(ref id, 12, 14, WriteOutcome.Acknowledged, timeline: 2));

            var report = FailoverAnalysis.Analyze(attempts, Acked(attempts), At(10));

            Assert.Equal(TimeSpan.FromMilliseconds(2050), RoundToMs(report.WriteDowntime!.Value));
            Assert.Equal(1, report.TimelineBefore);
            Assert.Equal(2, report.TimelineAfter);

            var anyTime = FailoverAnalysis.Analyze(attempts, Acked(attempts), null);
            Assert.Equal(TimeSpan.FromMilliseconds(5050), RoundToMs(anyTime.WriteDowntime!.Value));
        }

        [Fact]
        public void OutageAtStartRunsFromTheWritersStart()
        {
            long id = 0;
            var attempts = Writes(ref id, 0, 2, WriteOutcome.Failed).ToList();
            attempts.AddRange(Writes(ref id, 2, 3, WriteOutcome.Acknowledged, timeline: 3));

            var report = FailoverAnalysis.Analyze(attempts, Acked(attempts), At(0));

            Assert.Equal(T0, report.OutageStart);
            Assert.Equal(TimeSpan.FromMilliseconds(2010), RoundToMs(report.WriteDowntime!.Value));
            Assert.Null(report.TimelineBefore);
            Assert.Equal(3, report.TimelineAfter);
        }

        [Fact]
        public void WritesThatNeverRecoverHaveNoDowntime()
        {
            long id = 0;
            var attempts = Writes(ref id, 0, 2, WriteOutcome.Acknowledged).ToList();
            attempts.AddRange(Writes(ref id, 2, 6, WriteOutcome.Unknown));

            var report = FailoverAnalysis.Analyze(attempts, Acked(attempts), At(2));

            Assert.False(report.WritesRecovered);
            Assert.Null(report.WriteDowntime);
            Assert.Null(report.OutageEnd);
            Assert.Equal(1960, MsSinceT0(report.OutageStart!.Value));
            Assert.Null(report.TimelineAfter);
            Assert.False(report.Clean);
        }

        [Fact]
        public void ShortTrailingFailureDoesNotHideARecoveredOutage()
        {
            long id = 0;
            var attempts = Writes(ref id, 0, 2, WriteOutcome.Acknowledged).ToList();
            attempts.AddRange(Writes(ref id, 2, 5, WriteOutcome.Failed));
            attempts.AddRange(Writes(ref id, 5, 7, WriteOutcome.Acknowledged));
            attempts.AddRange(Writes(ref id, 7, 7.1, WriteOutcome.Unknown));

            var report = FailoverAnalysis.Analyze(attempts, Acked(attempts), At(2));

            Assert.True(report.WritesRecovered);
            Assert.Equal(TimeSpan.FromMilliseconds(3050), RoundToMs(report.WriteDowntime!.Value));
        }

        [Fact]
        public void MissingAcknowledgedWritesAreLost()
        {
            long id = 0;
            var attempts = Writes(ref id, 0, 1, WriteOutcome.Acknowledged).ToList();
            var readBack = Acked(attempts).Where(i => i != 3 && i != 17).ToArray();

            var report = FailoverAnalysis.Analyze(attempts, readBack, null);

            Assert.Equal(new long[] { 3, 17 }, report.LostIds);
            Assert.Equal(2, report.LostWrites);
            Assert.False(report.Clean);
        }

        [Fact]
        public void UnknownWritesMayBePresentOrAbsent()
        {
            long id = 0;
            var attempts = Writes(ref id, 0, 1, WriteOutcome.Acknowledged).ToList();
            attempts.AddRange(Writes(ref id, 1, 1.2, WriteOutcome.Unknown));     // ids 21..24
            attempts.AddRange(Writes(ref id, 1.2, 2, WriteOutcome.Acknowledged));
            var readBack = Acked(attempts).Concat(new long[] { 21, 23 }).ToArray();

            var report = FailoverAnalysis.Analyze(attempts, readBack, At(1));

            Assert.Equal(4, report.UnknownWrites);
            Assert.Equal(2, report.UnknownWritesPresent);
            Assert.Equal(0, report.LostWrites);
            Assert.Equal(0, report.UnexpectedWrites);
            Assert.True(report.Clean);
        }

        [Fact]
        public void FailedOrNeverAttemptedIdsReadBackAreUnexpected()
        {
            long id = 0;
            var attempts = Writes(ref id, 0, 1, WriteOutcome.Acknowledged).ToList();
            attempts.AddRange(Writes(ref id, 1, 1.2, WriteOutcome.Failed));      // ids 21..24
            attempts.AddRange(Writes(ref id, 1.2, 2, WriteOutcome.Acknowledged));
            var readBack = Acked(attempts).Concat(new long[] { 22, 999 }).ToArray();

            var report = FailoverAnalysis.Analyze(attempts, readBack, At(1));

            Assert.Equal(new long[] { 22, 999 }, report.UnexpectedIds);
            Assert.Equal(2, report.UnexpectedWrites);
            Assert.False(report.Clean);
        }

        [Fact]
        public void NoAttemptsIsNotClean()
        {
            var report = FailoverAnalysis.Analyze(Array.Empty<WriteAttempt>(), Array.Empty<long>(), null);

            Assert.Equal(0, report.AttemptedWrites);
            Assert.Null(report.WriteDowntime);
            Assert.False(report.WritesRecovered);
            Assert.False(report.Clean);
        }

        [Fact]
        public void DuplicateAttemptIdsAreRejected()
        {
            var attempts = new[]
            {
                new WriteAttempt(1, At(0), At(0.01), WriteOutcome.Acknowledged),
                new WriteAttempt(1, At(0.05), At(0.06), WriteOutcome.Failed),
            };

            Assert.Throws<ArgumentException>(() => FailoverAnalysis.Analyze(attempts, Array.Empty<long>(), null));
        }

        [Fact]
        public void ApplyToFillsTheWriteSideOfTheResult()
        {
            long id = 0;
            var attempts = Writes(ref id, 0, 1, WriteOutcome.Acknowledged).ToList();
            attempts.AddRange(Writes(ref id, 1, 2, WriteOutcome.Unknown));
            attempts.AddRange(Writes(ref id, 2, 3, WriteOutcome.Acknowledged, timeline: 2));
            var readBack = Acked(attempts).Where(i => i != 5).ToArray();
            var result = new HaPgFailoverResult { Scenario = HaPgFailoverScenario.Crash, OldLeader = "node-1" };

            FailoverAnalysis.Analyze(attempts, readBack, At(1)).ApplyTo(result);

            Assert.Equal(40, result.AcknowledgedWrites);
            Assert.Equal(1, result.LostWrites);
            Assert.Equal(new long[] { 5 }, result.LostIds);
            Assert.Equal(20, result.UnknownWrites);
            Assert.Equal(TimeSpan.FromMilliseconds(1050), RoundToMs(result.WriteDowntime!.Value));
            Assert.Equal(1, result.TimelineBefore);
            Assert.Equal(2, result.TimelineAfter);
            Assert.Equal("node-1", result.OldLeader);
        }

        private static TimeSpan RoundToMs(TimeSpan value) => TimeSpan.FromMilliseconds(Math.Round(value.TotalMilliseconds));

        private static double MsSinceT0(DateTimeOffset value) => Math.Round((value - T0).TotalMilliseconds);

        [Fact]
        public void TheLeaderLockTakenBackByTheOldLeaderNamesWhoLostIt()
        {
            var log = new FailoverEventLog(new FailoverClock());
            log.Add(FailoverEventKind.FaultInjected, "node-2", "nftables drops all but SSH");
            log.Add(FailoverEventKind.LeaderChanged, "node-3", "Patroni: node-3 holds the leader lock");
            Assert.Null(FailoverAnalysis.LeaderTakenBackFrom(log.Snapshot(), "node-2"));

            log.Add(FailoverEventKind.FaultHealed, "node-2", "fault removed");
            log.Add(FailoverEventKind.LeaderChanged, "node-2", "Patroni: node-2 holds the leader lock");
            Assert.Equal("node-3", FailoverAnalysis.LeaderTakenBackFrom(log.Snapshot(), "node-2"));
        }

        [Theory]
        [InlineData(true, true, "patroni/patroni#2689, fixed in 3.0.3")]
        [InlineData(true, false, "patroni/patroni#2689, fixed in 3.0.3")]
        [InlineData(false, true, "etcd-io/etcd#15247; keep etcd off the database nodes")]
        [InlineData(false, false, "")]
        public void ALockTakenBackNamesItsLikelyCause(bool patroniHasOverwriteBug, bool oldLeaderRunsEtcd, string names)
        {
            var cause = FailoverAnalysis.LockTakenBackCause(patroniHasOverwriteBug, oldLeaderRunsEtcd);
            if (names.Length == 0) Assert.Empty(cause);
            else Assert.Contains(names, cause);
        }

        [Fact]
        public void ALeaderThatNeverChangedOrMovedOnIsNotTakenBack()
        {
            var log = new FailoverEventLog(new FailoverClock());
            log.Add(FailoverEventKind.LeaderChanged, "node-1", "Patroni: node-1 holds the leader lock");
            Assert.Null(FailoverAnalysis.LeaderTakenBackFrom(log.Snapshot(), "node-1"));

            log.Add(FailoverEventKind.LeaderChanged, "node-2", "Patroni: node-2 holds the leader lock");
            log.Add(FailoverEventKind.LeaderChanged, "node-3", "Patroni: node-3 holds the leader lock");
            Assert.Null(FailoverAnalysis.LeaderTakenBackFrom(log.Snapshot(), "node-1"));
        }
    }
}
