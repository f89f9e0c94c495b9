using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using HaPg.Components.Common;
using HaPg.Components.Patroni;
using HaPg.Components.Platform;
using HaPg.Components.Postgres;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;
using HaPg.Steps;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Configures and starts Patroni on the database nodes: the leader first, then the replicas, which join and stream.</summary>
    /// <remarks>
    /// <para>Step 7 of the recipe, with its faults fixed. /etc/patroni/config.yml (mode 0600, owner postgres) is rendered per
    /// node with an etcd3 section (etcd 3.4+ serves no v2 API), timing checked by HaPg (loop_wait + 2 * retry_timeout &lt;= ttl),
    /// pg_rewind with its own user, and pg_hba entries per node (/32) with scram-sha-256. Passwords are generated strong,
    /// or read back from the cluster's own config on a re-run, and are never printed.</para>
    /// <para>The current leader (on a new cluster, the first Postgres node) is configured and started first; the others follow
    /// in parallel and each is awaited until it streams from the leader.</para>
    /// <para>On a re-run a dynamic setting (ttl, loop_wait, PostgreSQL parameters Patroni manages...) is applied through Patroni's
    /// REST API (PATCH /config), a local one by reload, and a change that needs a PostgreSQL restart is reported as pending, not
    /// forced.</para>
    /// <para>Before anything changes, every database node's release and Patroni version are read: an unsupported release
    /// (HaPg.Platform.Unsupported), two PostgreSQL majors (HaPg.Platform.Mismatch), or a Patroni before 3.0.3, which can lose
    /// acknowledged writes after a partition or a freeze (HaPg.Patroni.KnownDataLoss, patroni/patroni#2689; Debian 12 ships
    /// 3.0.2), are refused for all nodes at once. -AllowKnownDataLoss goes on with one warning instead.</para>
    /// </remarks>
    /// <example>
    /// <code>$inventory | Set-HaPgPatroniConfig</code>
    /// <para>Configures and starts the cluster with the default (fast) timing profile.</para>
    /// </example>
    /// <example>
    /// <code>$inventory | Set-HaPgPatroniConfig -Profile Recipe -SynchronousMode Strict</code>
    /// <para>Uses the recipe's timing (ttl 30, loop_wait 10, retry_timeout 10) and strict synchronous replication.</para>
    /// </example>
    /// <example>
    /// <code>$inventory | Set-HaPgPatroniConfig -AllowKnownDataLoss</code>
    /// <para>On Debian 12 (Patroni 3.0.2): configures the cluster anyway, with one warning naming the affected nodes.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "HaPgPatroniConfig", SupportsShouldProcess = true)]
    [OutputType(typeof(HaPgPatroniConfigResult))]
    public sealed class SetHaPgPatroniConfigCommand : NodeCmdlet
    {
        private const string Activity = "Configuring Patroni";

        /// <summary>
        /// Timing: Default (ttl 20, Patroni's minimum, loop_wait 5, retry_timeout 5; HAProxy inter 2s fastinter 250ms
        /// downinter 250ms fall 3 rise 1) or Recipe (ttl 30, loop_wait 10, retry_timeout 10; HAProxy inter 3s fall 3 rise 2).
        /// </summary>
        [Parameter]
        [ValidateSet("Default", "Recipe")]
        public string Profile { get; set; } = "Default";

        /// <summary>
        /// Off (asynchronous), On (only a synchronous standby may be promoted), or Strict (writes wait until a synchronous
        /// standby has them: no acknowledged write is lost, at the cost of blocking when no standby is up).
        /// </summary>
        [Parameter]
        [ValidateSet("Off", "On", "Strict")]
        public string SynchronousMode { get; set; } = "Off";

        /// <summary>How long to wait for the leader, and for each replica to stream, in seconds.</summary>
        [Parameter]
        [ValidateRange(10, 3600)]
        public int TimeoutSeconds { get; set; } = 180;

        /// <summary>
        /// Goes on, with a warning, on nodes whose Patroni is known to lose acknowledged writes (before 3.0.3, patroni/patroni#2689;
        /// Debian 12 ships 3.0.2). Without it such nodes are refused (HaPg.Patroni.KnownDataLoss) before anything changes.
        /// </summary>
        [Parameter]
        public SwitchParameter AllowKnownDataLoss { get; set; }

        protected override void Process(HaPgInventory inventory)
        {
            var settings = new PatroniSettings
            {
                Timing = PatroniTimingProfile.Named(Profile),
                Synchronous = (HaPg.Components.Patroni.SynchronousMode)Enum.Parse(typeof(HaPg.Components.Patroni.SynchronousMode), SynchronousMode),
            };
            var nodes = SelectNodes(inventory, HaPgRole.Postgres);
            var platforms = RequireSupportedPlatform(inventory, nodes);
            foreach (var issue in new[] { PlatformSupport.Mismatch(platforms, inventory.PostgresVersion), PlatformSupport.KnownDataLoss(platforms, AllowKnownDataLoss) })
            {
                if (issue?.Severity == IssueSeverity.Error)
                {
                    ThrowTerminatingError(issue.ToErrorRecord());
                }

                if (issue is not null)
                {
                    WriteWarning(issue.Message);
                }
            }

            var deployed = IsWhatIf ? new List<MemberState>() : ReadMembers(inventory, nodes);
            if (deployed.Count != (IsWhatIf ? 0 : nodes.Count))
            {
                return; // a node could not be read; its error is written and nothing is changed.
            }

            foreach (var member in deployed.Where(m => m.DeployedConfig is not null).Take(1))
            {
                PatroniSteps.Adopt(inventory.Secrets, PatroniConfig.ReadPasswords(member.DeployedConfig!));
            }

            SecretGenerator.FillMissing(inventory.Secrets);
            var passwords = PatroniSteps.PasswordsFrom(inventory.Secrets);
            foreach (var issue in settings.Timing.Validate().Concat(nodes.SelectMany(n => PatroniConfig.Validate(inventory, n, settings, passwords))))
            {
                if (issue.Severity == IssueSeverity.Error)
                {
                    ThrowTerminatingError(issue.ToErrorRecord());
                }

                WriteWarning(issue.Message);
            }

            int MajorOf(HaPgNode node) => deployed.FirstOrDefault(m => m.Node == node)?.Major ?? inventory.PostgresVersion
                ?? platforms.FirstOrDefault(p => p.Node == node.Name)?.PostgresMajor ?? 15;
            var plans = nodes.Select(n => PatroniSteps.Configure(inventory, n, MajorOf(n), settings, passwords)).ToList();
            var leaderName = deployed.Select(m => m.Leader).FirstOrDefault(l => l is not null) ?? nodes[0].Name;
            var leaderPlan = plans.Single(p => p.Node.Name.Equals(leaderName, StringComparison.OrdinalIgnoreCase));

            var timeout = TimeSpan.FromSeconds(TimeoutSeconds);
            var leaderResults = RunPlans(inventory, new[] { leaderPlan }, Activity, async (context, outcomes) =>
            {
                context.SetStatus("waiting until it leads");
                var members = await PatroniApi.WaitAsync(context.Host, inventory,
                    m => m.Any(x => x.IsLeader && x.Name == context.Node.Name && x.State == "running"), "leader running", timeout, context.CancellationToken)
                    .ConfigureAwait(false);
                var result = ResultFor(context.Node, members);
                var changes = ChangesOf(deployed, context.Node, leaderPlan);
                if (changes?.PatchBody is string body)
                {
                    context.SetStatus("applying dynamic settings (PATCH /config)");
                    await PatroniApi.SendAsync(context.Host, inventory, "PATCH", "/config", body, settings.RestApiUser, passwords.RestApi!, context.CancellationToken)
                        .ConfigureAwait(false);
                    result.Changed = true;
                }

                Describe(result, changes);
                return result;
            }, HaPgRole.Postgres, () => new HaPgPatroniConfigResult());

            if (leaderResults.Count == 0 && !IsWhatIf)
            {
                return; // no leader: the replicas would only wait.
            }

            RunPlans(inventory, plans.Where(p => p != leaderPlan).ToList(), Activity, async (context, outcomes) =>
            {
                context.SetStatus("waiting until it streams from the leader");
                var members = await PatroniApi.WaitAsync(context.Host, inventory,
                    m => m.Any(x => x.Name == context.Node.Name && !x.IsLeader && (x.State == "running" || x.State == "streaming") && x.LagBytes is not null)
                         && m.Any(x => x.IsLeader),
                    "replica streaming", timeout, context.CancellationToken).ConfigureAwait(false);
                await WaitStreamingAsync(inventory, context, timeout).ConfigureAwait(false);
                var result = ResultFor(context.Node, members);
                Describe(result, ChangesOf(deployed, context.Node, plans.Single(p => p.Node == context.Node)));
                return result;
            }, HaPgRole.Postgres, () => new HaPgPatroniConfigResult());
        }

        private List<MemberState> ReadMembers(HaPgInventory inventory, IReadOnlyList<HaPgNode> nodes) =>
            Runner.Run(inventory, nodes, ThrottleLimit, "Reading Patroni's state", async context =>
            {
                var major = await PostgresSteps.DiscoverMajorAsync(context.Host, inventory.PostgresVersion, context.CancellationToken).ConfigureAwait(false);
                var config = await context.Host.ReadFileAsync(PatroniConfig.FilePath, context.CancellationToken).ConfigureAwait(false);
                var members = config is null
                    ? Array.Empty<PatroniMember>()
                    : await PatroniApi.GetClusterAsync(context.Host, inventory, context.CancellationToken).ConfigureAwait(false);
                return new MemberState(context.Node, major, config, members.FirstOrDefault(m => m.IsLeader)?.Name);
            }, writeResults: false).ToList();

        /// <summary>The replica's own walreceiver streams (pg_stat_wal_receiver), read through the local socket as postgres.</summary>
        private static async Task WaitStreamingAsync(HaPgInventory inventory, NodeContext context, TimeSpan timeout)
        {
            var (state, streaming) = await Poll.UntilAsync(() => LocalPsql.WalReceiverStatusAsync(context.Host, inventory, context.CancellationToken),
                s => s == "streaming", timeout, TimeSpan.FromSeconds(1), context.CancellationToken).ConfigureAwait(false);
            if (!streaming)
            {
                throw new HaPgRemoteException("HaPg.Patroni.NotStreaming", ErrorCategory.OperationTimeout, context.Node,
                    $"{context.Node.Name}: replica not streaming after {timeout.TotalSeconds:N0} s (wal receiver: '{state}')");
            }
        }

        private static PatroniConfigDiff? ChangesOf(IEnumerable<MemberState> deployed, HaPgNode node, NodePlan plan)
        {
            var before = deployed.FirstOrDefault(m => m.Node == node)?.DeployedConfig;
            var desired = plan.Steps.OfType<FileStep>().First(s => s.File.Path == PatroniConfig.FilePath).File.Content;
            return before is null || before == desired ? null : PatroniConfigDiff.Compare(before, desired);
        }

        private static HaPgPatroniConfigResult ResultFor(HaPgNode node, IReadOnlyList<PatroniMember> members)
        {
            var me = members.FirstOrDefault(m => m.Name == node.Name);
            return new HaPgPatroniConfigResult
            {
                ClusterRole = me?.Role ?? string.Empty,
                State = me?.State,
                Timeline = me?.Timeline,
                LagBytes = me?.LagBytes,
                PendingRestart = me?.PendingRestart ?? false,
            };
        }

        private static void Describe(HaPgPatroniConfigResult result, PatroniConfigDiff? changes)
        {
            if (changes is null)
            {
                return;
            }

            result.ConfigChanges.AddRange(changes.Changes.Select(c => c.ToString()));
            if (changes.NeedsRestart)
            {
                result.PendingRestart = true;
                result.Messages.Add("a change needs a PostgreSQL restart: pending, not forced (patronictl restart, or Patroni's POST /restart)");
            }
        }

        private sealed class MemberState
        {
            public MemberState(HaPgNode node, int major, string? deployedConfig, string? leader)
            {
                Node = node;
                Major = major;
                DeployedConfig = deployedConfig;
                Leader = leader;
            }

            public HaPgNode Node { get; }
            public int Major { get; }
            public string? DeployedConfig { get; }
            public string? Leader { get; }
        }
    }
}
