using System;
using System.Collections.Generic;
using System.Linq;
using HaPg.Failover;
using HaPg.Failover.Scenarios;
using HaPg.Results;
using Xunit;

namespace HaPg.Tests.Failover
{
    /// <summary>Every pass and fail rule of the verdict, for every scenario, through the scenario's own expectation.</summary>
    public sealed class FailoverVerdictTests
    {
        private static readonly DateTimeOffset T0 = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
        private const string Note = "a note the prober logged";

        /// <summary>What the verdict is given: the result as the runner fills it, and the inputs beside it.</summary>
        private sealed class Case
        {
            public Case(HaPgFailoverScenario scenario)
            {
                Expectation = FailoverScenarios.For(scenario).Expectation;
                Result = new HaPgFailoverResult
                {
                    Scenario = scenario,
                    OldLeader = "pg1",
                    NewLeader = Expectation.ChangesLeader ? "pg2" : "pg1",
                    WriteDowntime = TimeSpan.FromSeconds(Expectation.ChangesLeader ? 12 : 0.05),
                    OldLeaderRejoined = true,
                    VirtualIPHolderBefore = "lb1",
                    VirtualIPHolderAfter = Expectation.MovesVirtualIP ? "lb2" : "lb1",
                    TimeToVirtualIPMove = Expectation.MovesVirtualIP ? TimeSpan.FromSeconds(2) : (TimeSpan?)null,
                };
                if (Expectation.ChangesLeader) LeaderChange(5, "pg2");
                Result.Messages.Add(Note);
                for (var i = 0; i < 40; i++) Acknowledged(i * 0.05);
            }

            public FailoverExpectation Expectation { get; }
            public HaPgFailoverResult Result { get; }
            public List<WriteAttempt> Writes { get; } = new List<WriteAttempt>();
            public bool Synchronous { get; set; }
            public string? KnownIssue { get; set; }
            public bool OldLeaderRunsEtcd { get; set; }

            public void LeaderChange(double at, string node) =>
                Result.Events.Add(new FailoverEvent(T0.AddSeconds(at), TimeSpan.FromSeconds(at), FailoverEventKind.LeaderChanged, node, $"{node} leads"));

            public void Acknowledged(double at) => Writes.Add(new WriteAttempt(Writes.Count + 1, T0.AddSeconds(at), T0.AddSeconds(at + 0.01), WriteOutcome.Acknowledged));

            public void NotAcknowledged(double at, WriteOutcome outcome) =>
                Writes.Add(new WriteAttempt(Writes.Count + 1, T0.AddSeconds(at), T0.AddSeconds(at + 0.01), outcome, "connection refused"));

            public IReadOnlyList<string> Judge() =>
                FailoverVerdict.Judge(Result, Expectation, Synchronous, Writes, KnownIssue, OldLeaderRunsEtcd);
        }

        private sealed class Rule
        {
            public Rule(string name, Func<FailoverExpectation, bool> applies, Action<Case> breaks, params string[] reasons)
            {
                Name = name;
                Applies = applies;
                Breaks = breaks;
                Reasons = reasons;
            }

            public string Name { get; }
            public Func<FailoverExpectation, bool> Applies { get; }
            public Action<Case> Breaks { get; }
            public string[] Reasons { get; }
        }

        private const string TakenBack = "pg1 took the leader lock back from pg2 after the fault, and pg2 was demoted: " +
            "writes acknowledged by pg2 are lost and replicas that followed it may have diverged";

        /// <summary>Each way a scenario fails, in the verdict's order, with the scenarios it applies to and its exact reasons.</summary>
        private static readonly Rule[] FailRules =
        {
            new Rule("LeaderTakenBack", _ => true, c => TakeLockBack(c), TakenBack),
            new Rule("LeaderTakenBackOnAKnownIssue", _ => true, c =>
            {
                TakeLockBack(c);
                c.KnownIssue = "Patroni 3.0.2 on pg1 has the leader-key overwrite";
                c.OldLeaderRunsEtcd = true;
            }, TakenBack + " (Patroni's leader-key overwrite, patroni/patroni#2689, fixed in 3.0.3)"),
            new Rule("LeaderTakenBackByAnEtcdNode", _ => true, c =>
            {
                TakeLockBack(c);
                c.OldLeaderRunsEtcd = true;
            }, TakenBack + " (the old leader also ran an etcd member: most likely etcd's stale leader revoking, when it resumed, the new " +
                "leader's lease, etcd-io/etcd#15247; keep etcd off the database nodes)"),
            new Rule("LeaderDidNotChange", e => e.ChangesLeader, c =>
            {
                c.Result.Events.Clear();
                c.Result.NewLeader = "pg1";
            }, "the leader did not change"),
            new Rule("LeaderChanged", e => !e.ChangesLeader, c =>
            {
                c.LeaderChange(5, "pg2");
                c.Result.NewLeader = "pg2";
            }, "the leader changed to pg2"),
            new Rule("VirtualIPNeverMoved", e => e.MovesVirtualIP, c =>
            {
                c.Result.TimeToVirtualIPMove = null;
                c.Result.VirtualIPHolderAfter = "lb1";
            }, "the virtual IP did not move off lb1"),
            new Rule("VirtualIPMovedBack", e => e.MovesVirtualIP, c => c.Result.VirtualIPHolderAfter = "lb1", "the virtual IP did not move off lb1"),
            new Rule("VirtualIPMoveNotSeen", e => e.MovesVirtualIP, c => c.Result.TimeToVirtualIPMove = null, "the virtual IP did not move off lb1"),
            new Rule("VirtualIPOnTwoNodes", _ => true, c => c.Result.VirtualIPOnTwoNodes = true, "the virtual IP was on two HAProxy nodes at once"),
            new Rule("WritesFailed", e => !e.WritesMayFail, c =>
            {
                c.NotAcknowledged(2.0, WriteOutcome.Failed);
                c.NotAcknowledged(2.05, WriteOutcome.Failed);
                c.NotAcknowledged(2.1, WriteOutcome.Unknown);
            }, "3 write(s) failed where none should"),
            new Rule("WritesDidNotComeBack", _ => true, c => c.Result.WriteDowntime = null, "writes did not come back"),
            new Rule("UnexpectedWrites", _ => true, c => c.Result.UnexpectedWrites = 2, "2 unexpected write(s) read back"),
            new Rule("SplitBrain", _ => true, c => c.Result.SplitBrainObserved = true, "two writable primaries observed at once"),
            new Rule("NotRejoined", _ => true, c => c.Result.OldLeaderRejoined = false, "the restored node did not stream again in time"),
            new Rule("DivergedReplicas", _ => true, c => c.Result.DivergedReplicas = new[] { "pg2", "pg3" },
                "pg2 diverged from the leader's timeline history and cannot follow it: Repair-HaPgReplica -Node pg2",
                "pg3 diverged from the leader's timeline history and cannot follow it: Repair-HaPgReplica -Node pg3"),
            new Rule("LostWritesInSynchronousMode", _ => true, c =>
            {
                c.Synchronous = true;
                c.Result.LostWrites = 3;
            }, "3 acknowledged write(s) lost in synchronous mode"),
        };

        private static void TakeLockBack(Case c)
        {
            c.Result.Events.Clear();
            c.LeaderChange(5, "pg2");
            c.LeaderChange(30, "pg1");
            c.Result.NewLeader = c.Expectation.ChangesLeader ? "pg2" : "pg1";
        }

        private static IEnumerable<HaPgFailoverScenario> Scenarios() => Enum.GetValues(typeof(HaPgFailoverScenario)).Cast<HaPgFailoverScenario>();

        public static IEnumerable<object[]> EveryScenario() => Scenarios().Select(s => new object[] { s });

        public static IEnumerable<object[]> EveryScenarioAndItsFailRules() =>
            from scenario in Scenarios()
            from rule in FailRules
            where rule.Applies(FailoverScenarios.For(scenario).Expectation)
            select new object[] { scenario, rule.Name };

        private static Rule Named(string name) => FailRules.Single(r => r.Name == name);

        [Theory]
        [MemberData(nameof(EveryScenario))]
        public void PassesWhenTheClusterDidWhatTheScenarioExpects(HaPgFailoverScenario scenario)
        {
            var c = new Case(scenario);

            var reasons = c.Judge();

            Assert.Empty(reasons);
            Assert.True(c.Result.Passed);
            Assert.Equal(HaPgStatus.Succeeded, c.Result.Status);
            Assert.Equal(new[] { Note }, c.Result.Messages);
        }

        [Theory]
        [MemberData(nameof(EveryScenarioAndItsFailRules))]
        public void FailsOnEachRuleWithItsReasonFirst(HaPgFailoverScenario scenario, string rule)
        {
            var c = new Case(scenario);
            Named(rule).Breaks(c);

            var reasons = c.Judge();

            Assert.Equal(Named(rule).Reasons, reasons);
            Assert.False(c.Result.Passed);
            Assert.Equal(HaPgStatus.Failed, c.Result.Status);
            Assert.Equal(Named(rule).Reasons.Concat(new[] { Note }), c.Result.Messages);
        }

        [Fact]
        public void EveryScenarioHasAtLeastTheRulesEveryScenarioShares()
        {
            var cases = EveryScenarioAndItsFailRules().Select(row => ((HaPgFailoverScenario)row[0], (string)row[1])).ToList();
            foreach (var scenario in Scenarios())
            {
                var expectation = FailoverScenarios.For(scenario).Expectation;
                var rules = cases.Where(x => x.Item1 == scenario).Select(x => x.Item2).ToList();
                Assert.Contains(expectation.ChangesLeader ? "LeaderDidNotChange" : "LeaderChanged", rules);
                Assert.Equal(expectation.MovesVirtualIP, rules.Contains("VirtualIPNeverMoved"));
                Assert.Equal(!expectation.WritesMayFail, rules.Contains("WritesFailed"));
                Assert.Contains("SplitBrain", rules);
                Assert.Contains("NotRejoined", rules);
            }
        }

        [Theory]
        [MemberData(nameof(EveryScenario))]
        public void LostWritesInAsynchronousModePassWithAMessageLast(HaPgFailoverScenario scenario)
        {
            var c = new Case(scenario);
            c.Result.LostWrites = 3;

            Assert.Empty(c.Judge());
            Assert.True(c.Result.Passed);
            Assert.Equal(new[] { Note, "3 acknowledged write(s) lost: expected risk in asynchronous mode (Set-HaPgPatroniConfig -SynchronousMode)" },
                c.Result.Messages);
        }

        [Theory]
        [MemberData(nameof(EveryScenario))]
        public void FailedWritesFailOnlyTheScenariosThatMustChangeNothing(HaPgFailoverScenario scenario)
        {
            var c = new Case(scenario);
            c.NotAcknowledged(2.0, WriteOutcome.Failed);

            var reasons = c.Judge();

            var holdsOnly = !c.Expectation.ChangesLeader && !c.Expectation.MovesVirtualIP;
            Assert.Equal(holdsOnly ? new[] { "1 write(s) failed where none should" } : Array.Empty<string>(), reasons);
            Assert.Equal(!holdsOnly, c.Result.Passed);
        }

        [Theory]
        [MemberData(nameof(EveryScenario))]
        public void EveryBrokenRuleIsGivenInTheVerdictsOrder(HaPgFailoverScenario scenario)
        {
            var c = new Case(scenario);
            var applying = FailRules.Where(r => r.Applies(c.Expectation) && !r.Name.StartsWith("LeaderTakenBack", StringComparison.Ordinal)
                && r.Name != "VirtualIPMoveNotSeen" && r.Name != "VirtualIPMovedBack").ToList();
            foreach (var rule in applying) rule.Breaks(c);

            var reasons = c.Judge();

            Assert.Equal(applying.SelectMany(r => r.Reasons), reasons);
            Assert.Equal(reasons.Concat(new[] { Note }), c.Result.Messages);
        }

        [Fact]
        public void TheLockTakenBackComesBeforeEveryOtherReason()
        {
            var c = new Case(HaPgFailoverScenario.NodeFreeze);
            TakeLockBack(c);
            c.Result.NewLeader = "pg1";
            c.Result.SplitBrainObserved = true;

            Assert.Equal(new[] { TakenBack, "the leader did not change", "two writable primaries observed at once" }, c.Judge());
        }

        [Fact]
        public void ALeaderThatNeverCameBackIsNoLockTakenBack()
        {
            var c = new Case(HaPgFailoverScenario.Crash);
            c.LeaderChange(8, "pg3");
            c.Result.NewLeader = "pg3";

            Assert.Empty(c.Judge());
        }
    }
}
