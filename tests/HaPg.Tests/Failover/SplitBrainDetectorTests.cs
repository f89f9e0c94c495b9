using System;
using System.Collections.Generic;
using System.Linq;
using HaPg.Failover;
using HaPg.Results;
using Xunit;

namespace HaPg.Tests.Failover
{
    public sealed class SplitBrainDetectorTests
    {
        private static readonly DateTimeOffset T0 = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

        private static ProbeSample S(double seconds, string member, bool? writable) => new ProbeSample(T0.AddSeconds(seconds), member, writable);

        /// <summary>One round per second; member answers 10 ms apart in each round.</summary>
        private static IEnumerable<ProbeSample> Rounds(int from, int to, Func<int, string, bool?> writable, params string[] members)
        {
            for (var round = from; round < to; round++)
            {
                for (var m = 0; m < members.Length; m++)
                {
                    yield return S(round + (m * 0.01), members[m], writable(round, members[m]));
                }
            }
        }

        private static readonly string[] Members = { "node-1", "node-2", "node-3" };

        [Fact]
        public void CleanFailoverIsNoSplitBrain()
        {
            // node-1 leads for 5 rounds, nobody for 2 (lease wait), node-2 from round 7.
            var samples = Rounds(0, 12, (round, member) =>
                member == "node-1" ? (round < 5 ? true : round < 9 ? (bool?)null : false)
                : member == "node-2" && round >= 7, Members);

            var report = SplitBrainDetector.ForOneSecondRounds().Detect(samples);

            Assert.False(report.SplitBrainObserved);
            Assert.Empty(report.Windows);
        }

        [Fact]
        public void TwoWritableMembersInTheSameRoundsAreOneWindow()
        {
            var samples = Rounds(0, 10, (round, member) =>
                member == "node-1" ? round < 6 : member == "node-2" && round >= 3, Members);

            var report = SplitBrainDetector.ForOneSecondRounds().Detect(samples);

            Assert.True(report.SplitBrainObserved);
            var window = Assert.Single(report.Windows);
            Assert.Equal("node-1", window.FirstMember);
            Assert.Equal("node-2", window.SecondMember);
            Assert.Equal(T0.AddSeconds(3), window.Start);
            Assert.Equal(T0.AddSeconds(5.01), window.End);
            Assert.Equal(3, window.Coincidences);
        }

        [Fact]
        public void StaleWritableAnswerOfADemotedLeaderDoesNotCount()
        {
            // node-1 says writable, then (re-polled) not writable, before node-2 says writable within the tolerance.
            var samples = new[]
            {
                S(0.00, "node-1", true),
                S(0.30, "node-1", false),
                S(0.40, "node-2", true),
                S(1.00, "node-1", false),
                S(1.01, "node-2", true),
            };

            Assert.False(SplitBrainDetector.ForOneSecondRounds().Detect(samples).SplitBrainObserved);
        }

        [Fact]
        public void WritableAnswersInConsecutiveRoundsDoNotPairUp()
        {
            // node-1 answered writable late in round 0, node-2 early in round 1: 0.9 s apart, more than the tolerance.
            var samples = new[]
            {
                S(0.05, "node-1", true),
                S(0.95, "node-2", true),
                S(1.05, "node-1", false),
                S(1.95, "node-2", true),
            };

            Assert.False(SplitBrainDetector.ForOneSecondRounds().Detect(samples).SplitBrainObserved);
        }

        [Fact]
        public void UnreachableMembersAreNeverEvidence()
        {
            var samples = Rounds(0, 5, (round, member) => member == "node-1" ? true : (bool?)null, Members);

            Assert.False(SplitBrainDetector.ForOneSecondRounds().Detect(samples).SplitBrainObserved);
        }

        [Fact]
        public void AnOtherAnswerInBetweenSplitsWindows()
        {
            var samples = Rounds(0, 6, (round, member) =>
                member == "node-3" ? false : member == "node-2" || round != 2, Members);

            var report = SplitBrainDetector.ForOneSecondRounds().Detect(samples);

            Assert.Equal(2, report.Windows.Count);
            Assert.All(report.Windows, w => Assert.Equal(("node-1", "node-2"), (w.FirstMember, w.SecondMember)));
            Assert.Equal(T0.AddSeconds(1.01), report.Windows[0].End);
            Assert.Equal(T0.AddSeconds(3), report.Windows[1].Start);
        }

        [Fact]
        public void ApplyToSetsTheFlagAndNamesTheMembers()
        {
            var samples = new[] { S(0, "node-1", true), S(0.02, "node-3", true) };
            var result = new HaPgFailoverResult();

            SplitBrainDetector.ForOneSecondRounds().Detect(samples).ApplyTo(result);

            Assert.True(result.SplitBrainObserved);
            var message = Assert.Single(result.Messages);
            Assert.Contains("node-1 and node-3", message);
        }

        [Fact]
        public void ToleranceMustBePositive() =>
            Assert.Throws<ArgumentOutOfRangeException>(() => new SplitBrainDetector(TimeSpan.Zero));
    }
}
