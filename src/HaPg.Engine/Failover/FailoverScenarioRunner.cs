using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Common;
using HaPg.Components.Etcd;
using HaPg.Components.Patroni;
using HaPg.Components.Postgres;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.Failover
{
    /// <summary>
    /// Runs one scenario against a healthy cluster: a writer through HAProxy and a prober run throughout; the fault is
    /// injected, recovery awaited, the fault always healed (also on error or Ctrl+C), the restored node awaited until it
    /// streams again, and the writes read back and judged.
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

        public FailoverScenarioRunner(HaPgInventory inventory, NodeContext context, FailoverOptions options)
        {
            this.inventory = inventory;
            this.context = context;
            this.options = options;
            events = new FailoverEventLog(clock);
        }

        private CancellationToken Cancel => context.CancellationToken;

        public static bool ChangesLeader(HaPgFailoverScenario scenario) =>
            scenario != HaPgFailoverScenario.ReplicaCrash && scenario != HaPgFailoverScenario.EtcdMemberLoss && !MovesVirtualIP(scenario);

        /// <summary>The faults on the virtual IP's holder: the address must move, the leader stays.</summary>
        public static bool MovesVirtualIP(HaPgFailoverScenario scenario) =>
            scenario == HaPgFailoverScenario.HaproxyStop || scenario == HaPgFailoverScenario.HaproxyNodeLoss;

        private static bool IsWholeNodeFault(HaPgFailoverScenario scenario) =>
            scenario == HaPgFailoverScenario.NodeHardStop || scenario == HaPgFailoverScenario.NodeFreeze || scenario == HaPgFailoverScenario.HaproxyNodeLoss;

        public async Task<HaPgFailoverResult> RunAsync(HaPgFailoverScenario scenario, string runId)
        {
            var started = clock.Now;
            context.SetStatus("checking the cluster is healthy");
            var (synchronous, ttl, loopWait) = await ReadDynamicConfigAsync().ConfigureAwait(false);
            var before = await WaitHealthyAsync(TimeSpan.FromSeconds(90), synchronous).ConfigureAwait(false);
            var leader = before.Single(m => m.IsLeader);
            var divergedBefore = await FindDivergedReplicasAsync(before).ConfigureAwait(false);
            if (divergedBefore.Count > 0)
            {
                // Patroni counts such a replica as healthy (lag 0); a fault on top of it would be judged on a broken cluster.
                throw new HaPgRemoteException("HaPg.Failover.ClusterNotHealthy", System.Management.Automation.ErrorCategory.InvalidOperation, context.Node,
                    "The cluster is not healthy, so no fault is injected: " + string.Join("; ", divergedBefore.Select(d => $"{d.Key}: {d.Value}")) +
                    $". Run Repair-HaPgReplica -Node {string.Join(",", divergedBefore.Keys)}.");
            }

            var holder = inventory.VirtualIP is null ? null : await FindVirtualIPHolderAsync().ConfigureAwait(false);
            var target = TargetOf(scenario, before, leader, holder);
            var vantage = inventory.NodesWithRole(HaPgRole.Postgres).First(n => n.Name != target.Name);
            var result = new HaPgFailoverResult
            {
                Scenario = scenario,
                OldLeader = leader.Name,
                Node = target.Name,
                Role = target.Roles.ToString(),
                Inventory = inventory,
            };
            var knownIssue = scenario == HaPgFailoverScenario.NodeFreeze || scenario == HaPgFailoverScenario.Isolate
                ? await WarnOfKnownIssuesAsync(vantage, target).ConfigureAwait(false)
                : null;

            var workload = new WriteWorkload(Writer(), runId, clock, events) { Rate = options.WriteRate };
            await workload.CreateTableAsync(Cancel).ConfigureAwait(false);
            var prober = new ClusterProber(inventory, clock, events, context.HostForAsync, inventory.Secrets.SuperuserPassword!, leader.Name)
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
                await InjectAsync(scenario, target, before, leader).ConfigureAwait(false);

                context.SetStatus(ChangesLeader(scenario) ? "waiting for a new leader and for writes to return" : "holding the fault");
                if (ChangesLeader(scenario))
                {
                    await WaitRecoveredAsync(prober, workload, leader.Name).ConfigureAwait(false);
                }
                else if (MovesVirtualIP(scenario))
                {
                    await WaitVirtualIPMovedAsync(prober, workload, target.Name).ConfigureAwait(false);
                }
                else
                {
                    await Task.Delay(options.FaultHold, Cancel).ConfigureAwait(false);
                }
            }
            finally
            {
                if (scenario != HaPgFailoverScenario.Switchover)
                {
                    healedAt = clock.Now;
                    await HealAsync(scenario, target).ConfigureAwait(false);
                }
            }

            context.SetStatus($"waiting for {target.Name} to rejoin");
            var rejoinFrom = healedAt ?? faultAt;
            var after = await WaitRejoinedAsync(scenario, target, vantage).ConfigureAwait(false);
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
            var diverged = await FindDivergedReplicasAsync(finalMembers).ConfigureAwait(false);
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
            Judge(result, scenario, synchronous, workload, knownIssue, target.Roles.HasFlag(HaPgRole.Etcd));
            result.Duration = clock.Now - started;
            return result;
        }

        /// <summary>Passed: the expected leader behaviour (never the lock taken back), writes back, nothing unexpected, no split brain, the node back.</summary>
        private static void Judge(HaPgFailoverResult result, HaPgFailoverScenario scenario, bool synchronous, WriteWorkload workload, string? knownIssue,
            bool oldLeaderRunsEtcd)
        {
            var reasons = new List<string>();
            if (FailoverAnalysis.LeaderTakenBackFrom(result.Events, result.OldLeader) is string lostLock)
            {
                reasons.Add($"{result.OldLeader} took the leader lock back from {lostLock} after the fault, and {lostLock} was demoted: " +
                    $"writes acknowledged by {lostLock} are lost and replicas that followed it may have diverged" +
                    FailoverAnalysis.LockTakenBackCause(knownIssue is not null, oldLeaderRunsEtcd));
            }

            if (ChangesLeader(scenario) && result.NewLeader == result.OldLeader) reasons.Add("the leader did not change");
            if (!ChangesLeader(scenario) && result.NewLeader != result.OldLeader) reasons.Add($"the leader changed to {result.NewLeader}");
            if (MovesVirtualIP(scenario) && (result.TimeToVirtualIPMove is null || result.VirtualIPHolderAfter == result.VirtualIPHolderBefore))
            {
                reasons.Add($"the virtual IP did not move off {result.VirtualIPHolderBefore}");
            }

            if (result.VirtualIPOnTwoNodes) reasons.Add("the virtual IP was on two HAProxy nodes at once");
            if (!ChangesLeader(scenario) && !MovesVirtualIP(scenario) && workload.Attempts.Any(a => a.Outcome != WriteOutcome.Acknowledged))
            {
                reasons.Add($"{workload.Attempts.Count(a => a.Outcome != WriteOutcome.Acknowledged)} write(s) failed where none should");
            }

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
        }

        private HaPgNode TargetOf(HaPgFailoverScenario scenario, IReadOnlyList<PatroniMember> members, PatroniMember leader, string? virtualIPHolder)
        {
            HaPgNode Node(string name) => inventory.FindNode(name)
                ?? throw new HaPgRemoteException("HaPg.Failover.UnknownMember", System.Management.Automation.ErrorCategory.ObjectNotFound, context.Node,
                    $"Patroni member '{name}' is not in the inventory.");
            switch (scenario)
            {
                case HaPgFailoverScenario.ReplicaCrash:
                    return Node(PatroniSwitchover.BestCandidate(members)!.Name);
                case HaPgFailoverScenario.HaproxyStop:
                case HaPgFailoverScenario.HaproxyNodeLoss:
                    var proxies = inventory.NodesWithRole(HaPgRole.Haproxy).Count();
                    if (inventory.VirtualIP is null || proxies < 2 || virtualIPHolder is null)
                    {
                        throw new HaPgRemoteException("HaPg.Failover.NoVirtualIP", System.Management.Automation.ErrorCategory.InvalidOperation, context.Node,
                            $"{scenario} needs a virtual IP held by one of at least two HAProxy nodes; " +
                            (inventory.VirtualIP is null ? "the inventory has none (New-HaPgInventory -VirtualIP)."
                                : proxies < 2 ? $"the inventory has {proxies} HAProxy node(s)." : $"no HAProxy node holds {inventory.VirtualIP} (Test-HaPgCluster)."));
                    }

                    return Node(virtualIPHolder);
                case HaPgFailoverScenario.EtcdMemberLoss:
                    var etcd = inventory.NodesWithRole(HaPgRole.Etcd).ToList();
                    if (etcd.Count < 3)
                    {
                        throw new HaPgRemoteException("HaPg.Failover.TooFewEtcdMembers", System.Management.Automation.ErrorCategory.InvalidOperation, context.Node,
                            $"EtcdMemberLoss needs at least 3 etcd members; the inventory has {etcd.Count}: losing one would lose quorum.");
                    }

                    return etcd.LastOrDefault(n => n.Name != leader.Name) ?? etcd.Last();
                default:
                    return Node(leader.Name);
            }
        }

        private async Task InjectAsync(HaPgFailoverScenario scenario, HaPgNode target, IReadOnlyList<PatroniMember> members, PatroniMember leader)
        {
            var host = await context.HostForAsync(target).ConfigureAwait(false);
            switch (scenario)
            {
                case HaPgFailoverScenario.Switchover:
                    var candidate = PatroniSwitchover.BestCandidate(members)!.Name;
                    events.Add(FailoverEventKind.FaultInjected, target.Name, $"switchover from {leader.Name} to {candidate}");
                    var patroni = PatroniSteps.PasswordsFrom(inventory.Secrets);
                    await PatroniSwitchover.SwitchAsync(host, inventory, leader.Name, candidate, new PatroniSettings().RestApiUser, patroni.RestApi!,
                        options.RecoveryTimeout, Cancel).ConfigureAwait(false);
                    return;
                case HaPgFailoverScenario.NodeHardStop:
                case HaPgFailoverScenario.NodeFreeze:
                case HaPgFailoverScenario.HaproxyNodeLoss:
                    var inject = options.InjectNodeFault ?? throw new HaPgRemoteException("HaPg.Failover.FaultCommandRequired",
                        System.Management.Automation.ErrorCategory.InvalidArgument, target, $"{scenario} needs -InjectFault and -HealFault.");
                    events.Add(FailoverEventKind.FaultInjected, target.Name, scenario.ToString());
                    await context.RunOnPipelineThreadAsync(() => inject(target.Name)).ConfigureAwait(false);
                    return;
            }

            var fault = await FaultFor(scenario, host).ConfigureAwait(false);
            events.Add(FailoverEventKind.FaultInjected, target.Name, fault.Description);
            await host.RunAsync(new RemoteCommand(fault.Inject), Cancel, scenario.ToString()).ConfigureAwait(false);
        }

        /// <summary>Always runs, with its own timeout: Ctrl+C or an error never leaves the fault in place.</summary>
        private async Task HealAsync(HaPgFailoverScenario scenario, HaPgNode target)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            try
            {
                if (IsWholeNodeFault(scenario))
                {
                    if (options.HealNodeFault is Action<string> heal)
                    {
                        await context.RunOnPipelineThreadAsync(() => heal(target.Name)).ConfigureAwait(false);
                    }
                }
                else
                {
                    var host = await context.HostForAsync(target).ConfigureAwait(false);
                    var fault = await FaultFor(scenario, host).ConfigureAwait(false);
                    await host.RunAsync(new RemoteCommand(fault.Heal), timeout.Token, "heal " + scenario).ConfigureAwait(false);
                }

                events.Add(FailoverEventKind.FaultHealed, target.Name, "fault removed");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || timeout.IsCancellationRequested)
            {
                context.WriteWarning($"could not heal {scenario} on {target.Name}: {ex.Message}. Check the node by hand.");
                throw;
            }
        }

        private async Task<FaultInjection> FaultFor(HaPgFailoverScenario scenario, IRemoteHost host)
        {
            switch (scenario)
            {
                case HaPgFailoverScenario.StopPatroni:
                    return FaultInjection.StopPatroni();
                case HaPgFailoverScenario.Crash:
                case HaPgFailoverScenario.ReplicaCrash:
                    return FaultInjection.Crash();
                case HaPgFailoverScenario.EtcdMemberLoss:
                    return FaultInjection.StopEtcd();
                case HaPgFailoverScenario.HaproxyStop:
                    return FaultInjection.StopHaproxy();
                case HaPgFailoverScenario.Isolate:
                    var admin = await host.RunAsync(new RemoteCommand(FaultInjection.AdminAddressCommand) { Sudo = false }, CancellationToken.None)
                        .ConfigureAwait(false);
                    return FaultInjection.Isolate(admin.Stdout.Trim(), host.Node.Port, options.RecoveryTimeout + TimeSpan.FromSeconds(60));
                default:
                    throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "No shell fault for this scenario.");
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

        /// <summary>The HAProxy node that alone holds the virtual IP, or null when none or several do.</summary>
        private async Task<string?> FindVirtualIPHolderAsync()
        {
            var holders = await Components.Keepalived.KeepalivedSteps.ReadHoldersAsync(inventory, context.HostForAsync, Cancel).ConfigureAwait(false);
            return holders.Count == 1 ? holders[0] : null;
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

        /// <summary>
        /// The restored node back in service: a Patroni member streaming from the leader (or, for etcd, a healthy
        /// member with the cluster intact). Returns the members then, or null after the timeout.
        /// </summary>
        private async Task<IReadOnlyList<PatroniMember>?> WaitRejoinedAsync(HaPgFailoverScenario scenario, HaPgNode target, HaPgNode vantage)
        {
            async Task<IReadOnlyList<PatroniMember>?> MembersIfRejoined()
            {
                try
                {
                    var members = await PatroniApi.GetClusterAsync(await context.HostForAsync(vantage).ConfigureAwait(false), inventory, Cancel)
                        .ConfigureAwait(false);
                    if (MovesVirtualIP(scenario))
                    {
                        // Back in service: haproxy and keepalived running again (as a backup: nopreempt keeps the address where it went).
                        var state = await (await context.HostForAsync(target).ConfigureAwait(false))
                            .RunAsync(new RemoteCommand("systemctl is-active haproxy keepalived") { Sudo = false }, Cancel, "haproxy and keepalived back")
                            .ConfigureAwait(false);
                        return state.Stdout.Split('\n').Count(l => l.Trim() == "active") == 2 ? members : null;
                    }

                    if (scenario == HaPgFailoverScenario.EtcdMemberLoss)
                    {
                        var status = await EtcdSteps.ReadAsync(inventory, await context.HostForAsync(target).ConfigureAwait(false), Cancel).ConfigureAwait(false);
                        return status.Healthy == true && members.Count(m => m.IsLeader) == 1 ? members : null;
                    }

                    return members.Any(m => m.Name == target.Name && !m.IsLeader && m.LagBytes is not null && (m.State == "running" || m.State == "streaming"))
                           && await IsStreamingAsync(target).ConfigureAwait(false)
                        ? members
                        : null;
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

        /// <summary>Replicas whose timeline history the leader's does not continue (stuck until reinitialized), with the reason.</summary>
        private async Task<SortedDictionary<string, string>> FindDivergedReplicasAsync(IReadOnlyList<PatroniMember> members)
        {
            var diverged = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var leader = members.FirstOrDefault(m => m.IsLeader);
            if (leader is null || inventory.FindNode(leader.Name) is not HaPgNode leaderNode)
            {
                return diverged;
            }

            TimelineHistory? leaderHistory;
            try
            {
                var leaderFacts = await ReplicaRepair.ReadAsync(await context.HostForAsync(leaderNode).ConfigureAwait(false), inventory, Cancel).ConfigureAwait(false);
                leaderHistory = ReplicaRepair.LeaderHistory(leader, leaderFacts.History);
            }
            catch (HaPgRemoteException)
            {
                return diverged; // The leader is unreachable: the health checks report it.
            }

            foreach (var member in members.Where(m => !m.IsLeader))
            {
                if (inventory.FindNode(member.Name) is not HaPgNode node)
                {
                    continue;
                }

                try
                {
                    var facts = await ReplicaRepair.ReadAsync(await context.HostForAsync(node).ConfigureAwait(false), inventory, Cancel).ConfigureAwait(false);
                    var reason = ReplicaRepair.Diagnose(member, facts.WalReceiver, facts.History, leaderHistory);
                    if (ReplicaRepair.IsDivergence(reason))
                    {
                        diverged[member.Name] = reason!;
                    }
                }
                catch (HaPgRemoteException)
                {
                    // Unreachable: the rejoin and health checks report it.
                }
            }

            return diverged;
        }

        private async Task<bool> IsStreamingAsync(HaPgNode node) =>
            await LocalPsql.WalReceiverStatusAsync(await context.HostForAsync(node).ConfigureAwait(false), inventory, Cancel).ConfigureAwait(false) == "streaming";

        /// <summary>
        /// One leader, every member streaming, and in synchronous mode a synchronous standby chosen: right after a switchover
        /// Patroni names the new leader's standby a loop later, and a switchover to another replica meanwhile is refused (412).
        /// </summary>
        private async Task<IReadOnlyList<PatroniMember>> WaitHealthyAsync(TimeSpan timeout, bool synchronous)
        {
            var expected = inventory.NodesWithRole(HaPgRole.Postgres).Count();
            bool Healthy(IReadOnlyList<PatroniMember> m) =>
                m.Count(x => x.IsLeader && x.State == "running") == 1 && m.Count == expected
                && m.All(x => x.IsLeader || (x.LagBytes is not null && (x.State == "running" || x.State == "streaming")))
                && (!synchronous || m.Any(x => x.Role == PatroniSwitchover.SyncStandbyRole));

            var (members, healthy) = await Poll.UntilAsync(ReadClusterFromAnyMemberAsync, Healthy, timeout, TimeSpan.FromSeconds(1), Cancel)
                .ConfigureAwait(false);
            if (healthy)
            {
                return members;
            }

            throw new HaPgRemoteException("HaPg.Failover.ClusterNotHealthy", System.Management.Automation.ErrorCategory.InvalidOperation, context.Node,
                $"The cluster is not healthy, so no fault is injected: members {string.Join("; ", members)}. Run Test-HaPgCluster.");
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

        /// <summary>GET /cluster from the first database node that answers; empty if none does.</summary>
        private async Task<IReadOnlyList<PatroniMember>> ReadClusterFromAnyMemberAsync()
        {
            foreach (var node in inventory.NodesWithRole(HaPgRole.Postgres))
            {
                try
                {
                    var members = await PatroniApi.GetClusterAsync(await context.HostForAsync(node).ConfigureAwait(false), inventory, Cancel).ConfigureAwait(false);
                    if (members.Count > 0)
                    {
                        return members;
                    }
                }
                catch (HaPgRemoteException)
                {
                }
            }

            return Array.Empty<PatroniMember>();
        }

        /// <summary>Patroni's dynamic synchronous_mode, ttl and loop_wait, from the first database node that answers GET /config.</summary>
        private async Task<(bool Synchronous, long? Ttl, long? LoopWait)> ReadDynamicConfigAsync()
        {
            foreach (var node in inventory.NodesWithRole(HaPgRole.Postgres))
            {
                try
                {
                    var (status, body) = await PatroniApi.GetAsync(await context.HostForAsync(node).ConfigureAwait(false), inventory, node, "/config", Cancel)
                        .ConfigureAwait(false);
                    if (status == 200)
                    {
                        var config = DataTree.ParseMap(body);
                        return (config.Bool("synchronous_mode") == true, config.Long("ttl"), config.Long("loop_wait"));
                    }
                }
                catch (HaPgRemoteException)
                {
                }
            }

            return (false, null, null);
        }

        /// <summary>Drops the test table through HAProxy.</summary>
        public static Task DropTableAsync(HaPgInventory inventory, CancellationToken cancellationToken) =>
            new WriteWorkload(Writer(inventory), "drop", new FailoverClock()).DropTableAsync(cancellationToken);

        private PostgresTarget Writer() => Writer(inventory);

        /// <summary>Where clients write: the virtual IP when the inventory has one, else the first HAProxy node.</summary>
        private static PostgresTarget Writer(HaPgInventory inventory)
        {
            var host = inventory.VirtualIP is not null
                ? Components.Keepalived.KeepalivedConfig.Address(inventory).ToString()
                : inventory.NodesWithRole(HaPgRole.Haproxy).First().Address;
            return new PostgresTarget(host, inventory.Ports.HaproxyPrimary, "postgres", "postgres", inventory.Secrets.SuperuserPassword!);
        }
    }
}
