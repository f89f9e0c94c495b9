using System;
using System.Collections.Generic;
using System.Linq;
using HaPg.Results;

namespace HaPg.Failover
{
    /// <summary>One prober answer: was this member a writable primary when it answered?</summary>
    public sealed class ProbeSample
    {
        public ProbeSample(DateTimeOffset time, string member, bool? isWritablePrimary)
        {
            Time = time;
            Member = member ?? throw new ArgumentNullException(nameof(member));
            IsWritablePrimary = isWritablePrimary;
        }

        /// <summary>When the member's answer arrived.</summary>
        public DateTimeOffset Time { get; }

        public string Member { get; }

        /// <summary>Null: the member could not be reached.</summary>
        public bool? IsWritablePrimary { get; }

        public override string ToString() => $"{Member}@{Time:HH:mm:ss.fff}={IsWritablePrimary?.ToString() ?? "unreachable"}";
    }

    /// <summary>Two members that both answered "writable primary" close together, possibly over several rounds.</summary>
    public sealed class SplitBrainWindow
    {
        public SplitBrainWindow(string firstMember, string secondMember, DateTimeOffset start, DateTimeOffset end, int coincidences)
        {
            FirstMember = firstMember;
            SecondMember = secondMember;
            Start = start;
            End = end;
            Coincidences = coincidences;
        }

        public string FirstMember { get; }
        public string SecondMember { get; }
        public DateTimeOffset Start { get; }
        public DateTimeOffset End { get; }

        /// <summary>How many pairs of coinciding writable answers the window holds.</summary>
        public int Coincidences { get; }

        public override string ToString() =>
            $"{FirstMember} and {SecondMember} both writable primary from {Start:HH:mm:ss.fff} to {End:HH:mm:ss.fff} ({Coincidences} coinciding answers)";
    }

    public sealed class SplitBrainReport
    {
        public SplitBrainReport(IReadOnlyList<SplitBrainWindow> windows) => Windows = windows;

        public bool SplitBrainObserved => Windows.Count > 0;
        public IReadOnlyList<SplitBrainWindow> Windows { get; }

        /// <summary>Sets SplitBrainObserved and adds one message per window as evidence.</summary>
        public void ApplyTo(HaPgFailoverResult result)
        {
            if (result is null) throw new ArgumentNullException(nameof(result));
            result.SplitBrainObserved = SplitBrainObserved;
            result.Messages.AddRange(Windows.Select(w => "Split brain: " + w));
        }
    }

    /// <summary>
    /// Finds moments when two members both claimed to be a writable primary. Pure and conservative: a sample only
    /// says "member X was writable when it answered", so two members coincide only if both answered writable
    /// within <see cref="Tolerance"/> of each other (less than half the sampling period, i.e. the same round) and
    /// neither answered anything else in between (a stale "writable" from a leader that has since demoted never counts).
    /// Coincidences of the same two members merge into one window while neither of them answers otherwise.
    /// </summary>
    public sealed class SplitBrainDetector
    {
        public SplitBrainDetector(TimeSpan tolerance)
        {
            if (tolerance <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "Tolerance must be positive.");
            Tolerance = tolerance;
        }

        /// <summary>For a prober that polls every member about once a second.</summary>
        public static SplitBrainDetector ForOneSecondRounds() => new SplitBrainDetector(TimeSpan.FromMilliseconds(500));

        public TimeSpan Tolerance { get; }

        public SplitBrainReport Detect(IEnumerable<ProbeSample> samples)
        {
            if (samples is null) throw new ArgumentNullException(nameof(samples));
            var byMember = samples
                .GroupBy(s => s.Member, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.OrderBy(s => s.Time).ToList(), StringComparer.Ordinal);
            var members = byMember.Keys.OrderBy(m => m, StringComparer.Ordinal).ToList();

            var windows = new List<SplitBrainWindow>();
            for (var i = 0; i < members.Count; i++)
            {
                for (var j = i + 1; j < members.Count; j++)
                {
                    windows.AddRange(DetectPair(members[i], byMember[members[i]], members[j], byMember[members[j]]));
                }
            }

            return new SplitBrainReport(windows.OrderBy(w => w.Start).ToArray());
        }

        private IEnumerable<SplitBrainWindow> DetectPair(string first, List<ProbeSample> firstSamples, string second, List<ProbeSample> secondSamples)
        {
            // Both lists are time-ordered; walk them together as one timeline of the pair's answers.
            var timeline = firstSamples.Concat(secondSamples).OrderBy(s => s.Time).ToList();
            DateTimeOffset? start = null, end = null;
            var coincidences = 0;
            for (var k = 1; k < timeline.Count; k++)
            {
                var earlier = timeline[k - 1];
                var later = timeline[k];
                if (later.IsWritablePrimary != true)
                {
                    // A member answered otherwise: any open window ends here.
                    if (start is not null) yield return new SplitBrainWindow(first, second, start.Value, end!.Value, coincidences);
                    start = null;
                    coincidences = 0;
                    continue;
                }

                // Adjacent in the pair's timeline means nothing either member said lies between the two answers.
                if (earlier.IsWritablePrimary == true && earlier.Member != later.Member && later.Time - earlier.Time <= Tolerance)
                {
                    start ??= earlier.Time;
                    end = later.Time;
                    coincidences++;
                }
            }

            if (start is not null) yield return new SplitBrainWindow(first, second, start.Value, end!.Value, coincidences);
        }
    }
}
