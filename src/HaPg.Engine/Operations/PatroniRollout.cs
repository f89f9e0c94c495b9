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

namespace HaPg.Operations
{
    /// <summary>What a Patroni rollout is asked for, besides the nodes.</summary>
    public sealed class PatroniRolloutOptions
    {
        public PatroniSettings Settings { get; set; } = new PatroniSettings();

        /// <summary>How long to wait for the leader, and for each replica to stream.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(180);

        /// <summary>Goes on, with one warning, on nodes whose Patroni is known to lose acknowledged writes.</summary>
        public bool AllowKnownDataLoss { get; set; }
    }

    /// <summary>
    /// Configures and starts Patroni on database nodes, the leader first. Before anything changes it reads every node's platform
    /// (refusing unsupported releases, two PostgreSQL majors, and a Patroni with known data loss unless allowed) and each
    /// member's deployed config and view of the cluster, and takes the deployed passwords. The current leader (on a new cluster,
    /// the first node) is configured first and awaited until it leads; a dynamic change is sent to it with PATCH /config. The
    /// replicas follow in parallel, each awaited until it streams. A change that needs a PostgreSQL restart is reported as
    /// pending, not forced. Writes one <see cref="HaPgPatroniConfigResult"/> per node.
    /// </summary>
    public sealed class PatroniRollout
    {
        public const string Activity = "Configuring Patroni";

        private readonly OperationContext operation;
        private readonly PatroniRolloutOptions options;

        public PatroniRollout(OperationContext operation, PatroniRolloutOptions options)
        {
            this.operation = operation;
            this.options = options;
        }

        private HaPgInventory Inventory => operation.Inventory;

        /// <summary>Rolls the config out to <paramref name="nodes"/> (database nodes); returns the results of the nodes that finished.</summary>
        public IReadOnlyList<HaPgResult> Run(IReadOnlyList<HaPgNode> nodes)
        {
            var settings = options.Settings;
            var inventory = Inventory;
            var platforms = operation.RequireSupportedPlatform(nodes);
            operation.WarnOrRefuse(new[] { PlatformSupport.Mismatch(platforms, inventory.PostgresVersion), PlatformSupport.KnownDataLoss(platforms, options.AllowKnownDataLoss) });

            var deployed = operation.IsWhatIf ? new List<MemberState>() : ReadMembers(nodes);
            if (deployed.Count != (operation.IsWhatIf ? 0 : nodes.Count))
            {
                return Array.Empty<HaPgResult>(); // a node could not be read; its error is written and nothing is changed.
            }

            DeployedSecretFile.Patroni.Adopt(inventory.Secrets, deployed.Select(m => m.DeployedConfig).FirstOrDefault(c => c is not null));
            DeployedSecretFile.Application.Adopt(inventory.Secrets, deployed.Select(m => m.DeployedApplicationSecret).FirstOrDefault(c => c is not null));
            SecretGenerator.FillMissing(inventory.Secrets);
            var ca = operation.ClusterCa();
            var applicationPassword = inventory.Secrets.ApplicationPassword!.ToPlainText();
            var passwords = PatroniSteps.PasswordsFrom(inventory.Secrets);
            operation.WarnOrRefuse(settings.Timing.Validate().Concat(nodes.SelectMany(n => PatroniConfig.Validate(inventory, n, settings, passwords))));

            int MajorOf(HaPgNode node) => deployed.FirstOrDefault(m => m.Node == node)?.Major ?? inventory.PostgresVersion
                ?? platforms.FirstOrDefault(p => p.Node == node.Name)?.PostgresMajor ?? 15;
            var plans = nodes.Select(n => PatroniSteps.Configure(inventory, n, MajorOf(n), settings, passwords, ca, applicationPassword)).ToList();
            var leaderName = deployed.Select(m => m.Leader).FirstOrDefault(l => l is not null) ?? nodes[0].Name;
            var leaderPlan = plans.Single(p => p.Node.Name.Equals(leaderName, StringComparison.OrdinalIgnoreCase));

            var leaderResults = operation.RunPlans(new[] { leaderPlan }, Activity, async (context, outcomes) =>
            {
                context.SetStatus("waiting until it leads");
                var members = await PatroniApi.WaitAsync(context.Host, inventory,
                    m => m.Any(x => x.IsLeader && x.Name == context.Node.Name && x.State == "running"), "leader running", options.Timeout, context.CancellationToken)
                    .ConfigureAwait(false);
                var result = ResultFor(context.Node, members);
                context.SetStatus("keeping the application role " + ApplicationRole.Name);
                if (await ApplicationRole.EnsureAsync(context.Host, inventory, applicationPassword, context.CancellationToken).ConfigureAwait(false) is string roleChange)
                {
                    result.Changed = true;
                    result.Messages.Add(roleChange);
                }

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

            if (leaderResults.Count == 0 && !operation.IsWhatIf)
            {
                return leaderResults; // no leader: the replicas would only wait.
            }

            var replicaResults = operation.RunPlans(plans.Where(p => p != leaderPlan).ToList(), Activity, async (context, outcomes) =>
            {
                context.SetStatus("waiting until it streams from the leader");
                var members = await PatroniApi.WaitAsync(context.Host, inventory,
                    m => m.Any(x => x.Name == context.Node.Name && x.IsRunningReplica && x.LagBytes is not null)
                         && m.Any(x => x.IsLeader),
                    "replica streaming", options.Timeout, context.CancellationToken).ConfigureAwait(false);
                await WaitStreamingAsync(inventory, context, options.Timeout).ConfigureAwait(false);
                var result = ResultFor(context.Node, members);
                Describe(result, ChangesOf(deployed, context.Node, plans.Single(p => p.Node == context.Node)));
                return result;
            }, HaPgRole.Postgres, () => new HaPgPatroniConfigResult());
            return leaderResults.Concat(replicaResults).ToList();
        }

        /// <summary>
        /// Each member's PostgreSQL major, deployed config.yml and, where it has one, the leader it sees: the rollout needs every
        /// node's own deployed state (a node that cannot be read stops it), which the cluster reader's first-that-answers does not give.
        /// </summary>
        private List<MemberState> ReadMembers(IReadOnlyList<HaPgNode> nodes) =>
            operation.Run(nodes, "Reading Patroni's state", async context =>
            {
                var major = await PostgresSteps.DiscoverMajorAsync(context.Host, Inventory.PostgresVersion, context.CancellationToken).ConfigureAwait(false);
                var config = await context.Host.ReadFileAsync(PatroniConfig.FilePath, context.CancellationToken).ConfigureAwait(false);
                var members = config is null
                    ? Array.Empty<PatroniMember>()
                    : await PatroniApi.GetClusterAsync(context.Host, Inventory, context.CancellationToken).ConfigureAwait(false);
                var applicationSecret = await context.Host.ReadFileAsync(ApplicationRole.SecretPath, context.CancellationToken).ConfigureAwait(false);
                return new MemberState(context.Node, major, config, members.FirstOrDefault(m => m.IsLeader)?.Name, applicationSecret);
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
            public MemberState(HaPgNode node, int major, string? deployedConfig, string? leader, string? deployedApplicationSecret)
            {
                DeployedApplicationSecret = deployedApplicationSecret;
                Node = node;
                Major = major;
                DeployedConfig = deployedConfig;
                Leader = leader;
            }

            public HaPgNode Node { get; }
            public int Major { get; }
            public string? DeployedConfig { get; }
            public string? Leader { get; }
            public string? DeployedApplicationSecret { get; }
        }
    }
}
