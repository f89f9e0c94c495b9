using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Patroni;
using HaPg.Components.Postgres;
using HaPg.Components.Tls;
using HaPg.Execution;
using HaPg.Failover.Scenarios;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.Failover
{
    /// <summary>
    /// Runs one scenario against a healthy cluster: a writer through HAProxy and a prober run throughout; the fault is
    /// injected, recovery awaited, the fault always healed (also on error or Ctrl+C), the restored node awaited until it
    /// streams again, and the writes read back and judged. What differs between scenarios is the descriptor's
    /// (<see cref="FailoverScenarios"/>); the verdict is <see cref="FailoverVerdict"/>'s.
    /// </summary>
    public sealed class FailoverScenarioRunner
    {
        /// <summary>Acknowledged writes before any fault: a test of a writer that cannot write proves nothing.</summary>
        public const int BaselineWrites = 20;

        private static readonly TimeSpan Baseline = TimeSpan.FromSeconds(3);
        private static readonly TimeSpan BaselineTimeout = TimeSpan.FromSeconds(60);
        private static readonly TimeSpan Tail = TimeSpan.FromSeconds(2);

        private readonly HaPgInventory inventory;
        private readonly NodeContext context;
        private readonly FailoverOptions options;
        private readonly FailoverClock clock = new FailoverClock();
        private readonly FailoverEventLog events;
        private readonly FailoverClusterReads cluster;

        public FailoverScenarioRunner(HaPgInventory inventory, NodeContext context, FailoverOptions options)
        {
            this.inventory = inventory;
            this.context = context;
            this.options = options;
            events = new FailoverEventLog(clock);
            cluster = new FailoverClusterReads(inventory, context);
        }

        private CancellationToken Cancel => context.CancellationToken;

        public async Task<HaPgFailoverResult> RunAsync(HaPgFailoverScenario scenario, string runId)
        {
            var descriptor = FailoverScenarios.For(scenario);
            var started = clock.Now;
            context.SetStatus("checking the cluster is healthy");
            var (synchronous, ttl, loopWait) = await cluster.ReadDynamicConfigAsync().ConfigureAwait(false);
            var before = await cluster.WaitHealthyAsync(TimeSpan.FromSeconds(90), synchronous).ConfigureAwait(false);
            var leader = before.Single(m => m.IsLeader);
            var divergedBefore = await cluster.FindDivergedReplicasAsync().ConfigureAwait(false);
            if (divergedBefore.Count > 0)
            {
                // Patroni counts such a replica as healthy (lag 0); a fault on top of it would be judged on a broken cluster.
                throw new HaPgRemoteException("HaPg.Failover.ClusterNotHealthy", System.Management.Automation.ErrorCategory.InvalidOperation, context.Node,
                    "The cluster is not healthy, so no fault is injected: " + string.Join("; ", divergedBefore.Select(d => $"{d.Key}: {d.Value}")) +
                    $". Run Repair-HaPgReplica -Node {string.Join(",", divergedBefore.Keys)}.");
            }

            var holder = inventory.VirtualIP is null ? null : await cluster.FindVirtualIPHolderAsync().ConfigureAwait(false);
            var run = new FailoverScenarioContext(inventory, context.Node, options, events, before, leader, holder, context.HostForAsync,
                context.RunOnPipelineThreadAsync, Cancel);
            var target = descriptor.SelectTarget(run);
            var vantage = inventory.NodesWithRole(HaPgRole.Postgres).First(n => n.Name != target.Name);
            var result = new HaPgFailoverResult
            {
                Scenario = scenario,
                OldLeader = leader.Name,
                Node = target.Name,
                Role = target.Roles.ToString(),
                Inventory = inventory,
            };
            var knownIssue = descriptor.MeetsLeaderKeyOverwrite
                ? await WarnOfKnownIssuesAsync(vantage, target).ConfigureAwait(false)
                : null;

            var workload = new WriteWorkload(Writer(), runId, clock, events) { Rate = options.WriteRate };
            await workload.CreateTableAsync(Cancel).ConfigureAwait(false);
            var prober = new ClusterProber(inventory, clock, events, context.HostForAsync, inventory.Secrets.ApplicationPassword!, leader.Name)
            {
                RestVantage = vantage,
                VirtualIPHolder = holder,
            };
            result.VirtualIPHolderBefore = holder;
            using var stopWriter = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
            using var stopProber = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
            var writing = workload.RunAsync(stopWriter.Token);
            var probing = Task.Run(() => prober.RunAsync(stopProber.Token));

            context.SetStatus("writing a baseline");
            var baseline = await WriteBaselineAsync(workload).ConfigureAwait(false);
            if (baseline < BaselineWrites)
            {
                stopWriter.Cancel();
                stopProber.Cancel();
                await Task.WhenAll(writing, probing).ConfigureAwait(false);
                var lastError = workload.Attempts.LastOrDefault(a => a.Outcome != WriteOutcome.Acknowledged)?.Error;
                throw new HaPgRemoteException("HaPg.Failover.NoBaseline", System.Management.Automation.ErrorCategory.ResourceUnavailable, context.Node,
                    $"Only {baseline} of {BaselineWrites} writes through {workload.Target.Endpoint} were acknowledged within " +
                    $"{BaselineTimeout.TotalSeconds:N0} s, so no fault is injected" + (lastError is null ? "." : $": {lastError}"));
            }

            DateTimeOffset faultAt;
            DateTimeOffset? healedAt = null;
            try
            {
                faultAt = clock.Now;
                result.FaultTime = faultAt;
                await descriptor.InjectAsync(run, target, await context.HostForAsync(target).ConfigureAwait(false)).ConfigureAwait(false);
                await AwaitOutcomeAsync(descriptor.Expectation, prober, workload, leader.Name, target.Name).ConfigureAwait(false);
            }
            finally
            {
                if (descriptor.NeedsHeal)
                {
                    healedAt = clock.Now;
                    await HealAsync(descriptor, run, target).ConfigureAwait(false);
                }
            }

            context.SetStatus($"waiting for {target.Name} to rejoin");
            var rejoinFrom = healedAt ?? faultAt;
            var after = await WaitRejoinedAsync(descriptor, run, target, vantage).ConfigureAwait(false);
            if (after is not null)
            {
                result.OldLeaderRejoined = true;
                result.OldLeaderRejoinTime = clock.Now - rejoinFrom;
                events.Add(FailoverEventKind.MemberRejoined, target.Name, $"{target.Name} is back and streaming");
            }

            await Task.Delay(Tail, Cancel).ConfigureAwait(false);
            stopWriter.Cancel();
            stopProber.Cancel();
            await Task.WhenAll(writing, probing).ConfigureAwait(false);

            context.SetStatus("reading the writes back");
            var readBack = await workload.ReadBackAsync(Cancel).ConfigureAwait(false);
            FailoverAnalysis.Analyze(workload.Attempts, readBack, faultAt).ApplyTo(result);
            result.Writes = workload.Attempts.ToArray();
            result.SynchronousMode = synchronous;
            result.LeaderTtl = ttl is long t ? TimeSpan.FromSeconds(t) : (TimeSpan?)null;
            result.LoopWait = loopWait is long l ? TimeSpan.FromSeconds(l) : (TimeSpan?)null;
            result.MembersBefore = before.ToArray();
            SplitBrainDetector.ForOneSecondRounds().Detect(prober.Samples).ApplyTo(result);

            var finalMembers = after ?? await PatroniApi.GetClusterAsync(await context.HostForAsync(vantage).ConfigureAwait(false), inventory, Cancel).ConfigureAwait(false);
            result.MembersAfter = finalMembers.ToArray();
            result.NewLeader = finalMembers.FirstOrDefault(m => m.IsLeader)?.Name ?? prober.PatroniLeader ?? string.Empty;
            var diverged = await cluster.FindDivergedReplicasAsync().ConfigureAwait(false);
            foreach (var replica in diverged)
            {
                events.Add(FailoverEventKind.Note, replica.Key, $"{replica.Key}: {replica.Value}");
            }

            result.DivergedReplicas = diverged.Keys.ToArray();
            result.TimeToNewLeader = events.First(FailoverEventKind.LeaderChanged, faultAt)?.Time - faultAt;
            result.TimeToHaproxySwitch = events.First(FailoverEventKind.HaproxySwitched, faultAt)?.Time - faultAt;
            result.TimeToVirtualIPMove = events.First(FailoverEventKind.VirtualIPMoved, faultAt)?.Time - faultAt;
            result.VirtualIPHolderAfter = inventory.VirtualIP is null ? null : prober.VirtualIPHolder;
            result.VirtualIPOnTwoNodes = prober.VirtualIPOnTwoNodes;
            result.Events = events.Snapshot().ToList();
            result.Messages.AddRange(result.Events.Where(e => e.Kind == FailoverEventKind.Note).Select(e => e.Message).Distinct());
            FailoverVerdict.Judge(result, descriptor.Expectation, synchronous, workload.Attempts, knownIssue, target.Roles.HasFlag(HaPgRole.Etcd));
            result.Duration = clock.Now - started;
            return result;
        }

        /// <summary>Until what the fault must bring about (a new leader, the virtual IP moved) with writes back, or for the hold when it must change nothing.</summary>
        private async Task AwaitOutcomeAsync(FailoverExpectation expectation, ClusterProber prober, WriteWorkload workload, string oldLeader, string target)
        {
            context.SetStatus(expectation.ChangesLeader ? "waiting for a new leader and for writes to return" : "holding the fault");
            if (expectation.ChangesLeader)
            {
                await WaitRecoveredAsync(prober, workload, oldLeader).ConfigureAwait(false);
            }
            else if (expectation.MovesVirtualIP)
            {
                await WaitVirtualIPMovedAsync(prober, workload, target).ConfigureAwait(false);
            }
            else
            {
                await Task.Delay(options.FaultHold, Cancel).ConfigureAwait(false);
            }
        }

        /// <summary>Always runs, with its own timeout: Ctrl+C or an error never leaves the fault in place.</summary>
        private async Task HealAsync(FailoverScenarioDescriptor descriptor, FailoverScenarioContext run, HaPgNode target)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            try
            {
                await descriptor.HealAsync(run, target, timeout.Token).ConfigureAwait(false);
                events.Add(FailoverEventKind.FaultHealed, target.Name, "fault removed");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || timeout.IsCancellationRequested)
            {
                context.WriteWarning($"could not heal {descriptor.Scenario} on {target.Name}: {ex.Message}. Check the node by hand.");
                throw;
            }
        }

        /// <summary>At least <see cref="Baseline"/> of writing and <see cref="BaselineWrites"/> acknowledgements; returns how many.</summary>
        private async Task<int> WriteBaselineAsync(WriteWorkload workload)
        {
            await Task.Delay(Baseline, Cancel).ConfigureAwait(false);
            var (acknowledged, _) = await Poll.UntilAsync(() => Task.FromResult(workload.Attempts.Count(a => a.Outcome == WriteOutcome.Acknowledged)),
                count => count >= BaselineWrites, BaselineTimeout - Baseline, TimeSpan.FromMilliseconds(100), Cancel).ConfigureAwait(false);
            return acknowledged;
        }

        /// <summary>Until another HAProxy node alone holds the virtual IP and a write after that was acknowledged.</summary>
        private async Task WaitVirtualIPMovedAsync(ClusterProber prober, WriteWorkload workload, string holder)
        {
            bool Moved()
            {
                var moved = prober.VirtualIPHolder != holder ? events.First(FailoverEventKind.VirtualIPMoved) : null;
                return moved is not null && workload.Attempts.Any(a => a.Outcome == WriteOutcome.Acknowledged && a.Start > moved.Time);
            }

            var (_, recovered) = await Poll.UntilAsync(() => Task.FromResult(Moved()), done => done, options.RecoveryTimeout,
                TimeSpan.FromMilliseconds(250), Cancel).ConfigureAwait(false);
            if (!recovered)
            {
                context.WriteWarning($"the virtual IP {inventory.VirtualIP} did not move off {holder} with writes through it within {options.RecoveryTimeout.TotalSeconds:N0} s");
            }
        }

        private async Task WaitRecoveredAsync(ClusterProber prober, WriteWorkload workload, string oldLeader)
        {
            bool Recovered()
            {
                var newLeader = prober.PatroniLeader != oldLeader ? events.First(FailoverEventKind.LeaderChanged) : null;
                return newLeader is not null && prober.HaproxyPrimary == prober.PatroniLeader
                       && workload.Attempts.Any(a => a.Outcome == WriteOutcome.Acknowledged && a.Start > newLeader.Time);
            }

            var (_, recovered) = await Poll.UntilAsync(() => Task.FromResult(Recovered()), done => done, options.RecoveryTimeout,
                TimeSpan.FromMilliseconds(250), Cancel).ConfigureAwait(false);
            if (!recovered)
            {
                context.WriteWarning($"no new leader serving writes through HAProxy within {options.RecoveryTimeout.TotalSeconds:N0} s");
            }
        }

        /// <summary>The restored node back in service, as the descriptor recognises it. Returns the members then, or null after the timeout.</summary>
        private async Task<IReadOnlyList<PatroniMember>?> WaitRejoinedAsync(FailoverScenarioDescriptor descriptor, FailoverScenarioContext run, HaPgNode target,
            HaPgNode vantage)
        {
            async Task<IReadOnlyList<PatroniMember>?> MembersIfRejoined()
            {
                try
                {
                    var members = await PatroniApi.GetClusterAsync(await context.HostForAsync(vantage).ConfigureAwait(false), inventory, Cancel)
                        .ConfigureAwait(false);
                    return await descriptor.HasRejoinedAsync(run, target, members).ConfigureAwait(false) ? members : null;
                }
                catch (HaPgRemoteException)
                {
                    return null; // still booting or unreachable; ask again.
                }
            }

            var (rejoined, _) = await Poll.UntilAsync(MembersIfRejoined, m => m is not null, options.RejoinTimeout, TimeSpan.FromSeconds(1), Cancel)
                .ConfigureAwait(false);
            return rejoined;
        }

        /// <summary>A freeze or a partition is what triggers Patroni's leader-key overwrite bug: say so before the result does.</summary>
        private async Task<string?> WarnOfKnownIssuesAsync(HaPgNode vantage, HaPgNode target)
        {
            var (status, body) = await PatroniApi.GetAsync(await context.HostForAsync(vantage).ConfigureAwait(false), inventory, target, "/patroni", Cancel)
                .ConfigureAwait(false);
            var known = status == 200 ? PatroniKnownIssues.LeaderKeyOverwrite(target.Name, PatroniRestParser.ParseStatus(body).PatroniVersion) : null;
            if (known is not null)
            {
                context.WriteWarning(known);
                events.Add(FailoverEventKind.Note, target.Name, known);
            }

            return known;
        }

        /// <summary>Drops the test table through HAProxy.</summary>
        public static Task DropTableAsync(HaPgInventory inventory, CancellationToken cancellationToken) =>
            new WriteWorkload(Writer(inventory), "drop", new FailoverClock()).DropTableAsync(cancellationToken);

        private PostgresTarget Writer() => Writer(inventory);

        private static PostgresTarget Writer(HaPgInventory inventory) => PostgresTarget.ClusterWrites(inventory);
    }
}
