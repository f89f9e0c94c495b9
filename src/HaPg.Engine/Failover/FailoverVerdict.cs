using System;
using System.Collections.Generic;
using System.Linq;
using HaPg.Results;

namespace HaPg.Failover
{
    /// <summary>Whether a failover scenario passed, from its measured result alone. Pure.</summary>
    public static class FailoverVerdict
    {
        /// <summary>
        /// Passed: the expected leader behaviour (never the lock taken back), writes back, nothing unexpected, no split brain, the
        /// node back. <paramref name="knownIssue"/> is the leader-key overwrite warning given before the fault, if any, and
        /// <paramref name="oldLeaderRunsEtcd"/> whether the faulted node also ran an etcd member: they name a lock taken back's
        /// likely cause. Sets <see cref="HaPgFailoverResult.Passed"/> and its status, puts the reasons first in its messages (a
        /// lost write in asynchronous mode is a message last, not a reason), and returns the reasons.
        /// </summary>
        public static IReadOnlyList<string> Judge(HaPgFailoverResult result, FailoverExpectation expectation, bool synchronous,
            IReadOnlyCollection<WriteAttempt> writes, string? knownIssue, bool oldLeaderRunsEtcd)
        {
            if (result is null) throw new ArgumentNullException(nameof(result));
            if (expectation is null) throw new ArgumentNullException(nameof(expectation));
            if (writes is null) throw new ArgumentNullException(nameof(writes));

            var reasons = new List<string>();
            if (FailoverAnalysis.LeaderTakenBackFrom(result.Events, result.OldLeader) is string lostLock)
            {
                reasons.Add($"{result.OldLeader} took the leader lock back from {lostLock} after the fault, and {lostLock} was demoted: " +
                    $"writes acknowledged by {lostLock} are lost and replicas that followed it may have diverged" +
                    FailoverAnalysis.LockTakenBackCause(knownIssue is not null, oldLeaderRunsEtcd));
            }

            if (expectation.ChangesLeader && result.NewLeader == result.OldLeader) reasons.Add("the leader did not change");
            if (!expectation.ChangesLeader && result.NewLeader != result.OldLeader) reasons.Add($"the leader changed to {result.NewLeader}");
            if (expectation.MovesVirtualIP && (result.TimeToVirtualIPMove is null || result.VirtualIPHolderAfter == result.VirtualIPHolderBefore))
            {
                reasons.Add($"the virtual IP did not move off {result.VirtualIPHolderBefore}");
            }

            if (result.VirtualIPOnTwoNodes) reasons.Add("the virtual IP was on two HAProxy nodes at once");
            var failed = writes.Count(a => a.Outcome != WriteOutcome.Acknowledged);
            if (!expectation.WritesMayFail && failed > 0) reasons.Add($"{failed} write(s) failed where none should");
            if (result.WriteDowntime is null) reasons.Add("writes did not come back");
            if (result.UnexpectedWrites > 0) reasons.Add($"{result.UnexpectedWrites} unexpected write(s) read back");
            if (result.SplitBrainObserved) reasons.Add("two writable primaries observed at once");
            if (!result.OldLeaderRejoined) reasons.Add("the restored node did not stream again in time");
            foreach (var replica in result.DivergedReplicas)
            {
                reasons.Add($"{replica} diverged from the leader's timeline history and cannot follow it: Repair-HaPgReplica -Node {replica}");
            }

            if (result.LostWrites > 0)
            {
                if (synchronous) reasons.Add($"{result.LostWrites} acknowledged write(s) lost in synchronous mode");
                else result.Messages.Add($"{result.LostWrites} acknowledged write(s) lost: expected risk in asynchronous mode (Set-HaPgPatroniConfig -SynchronousMode)");
            }

            result.Passed = reasons.Count == 0;
            result.Status = result.Passed ? HaPgStatus.Succeeded : HaPgStatus.Failed;
            result.Messages.InsertRange(0, reasons);
            return reasons;
        }
    }
}
