using System;
using System.Linq;
using System.Management.Automation;
using HaPg.Components.Haproxy;
using HaPg.Components.Patroni;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Installs HAProxy in front of the cluster: writes on 5000 go to the leader, reads on 5001 to the replicas, stats on 7000.</summary>
    /// <remarks>
    /// <para>Steps 5 and 8 of the recipe. Each server is health-checked against Patroni's REST API: /primary for 5000, /replica
    /// for 5001, with on-marked-down shutdown-sessions so clients of a demoted leader are cut at once. The stats page asks for
    /// a user and a generated password and listens on the node's own address (or -StatsBindAddress), not on every interface.</para>
    /// <para>The new haproxy.cfg is checked with haproxy -c before it replaces the old one, and HAProxy is reloaded only when it
    /// changed. Returns the backend states per node.</para>
    /// </remarks>
    /// <example>
    /// <code>$inventory | Install-HaPgHaproxy</code>
    /// <para>Installs HAProxy on the Haproxy nodes and shows which server is UP on 5000 and 5001.</para>
    /// </example>
    /// <example>
    /// <code>$inventory | Install-HaPgHaproxy -Profile Recipe -StatsBindAddress 127.0.0.1</code>
    /// <para>Uses the recipe's check timing (inter 3s fall 3 rise 2) and keeps the stats page local.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Install, "HaPgHaproxy", SupportsShouldProcess = true)]
    [OutputType(typeof(HaPgHaproxyResult))]
    public sealed class InstallHaPgHaproxyCommand : NodeCmdlet
    {
        /// <summary>
        /// Health-check timing: Default (inter 2s fastinter 250ms downinter 250ms fall 3 rise 1: a new leader takes
        /// traffic within 0.25 s, a lost packet does not mark a server down) or Recipe (inter 3s fall 3 rise 2).
        /// Match Set-HaPgPatroniConfig's.
        /// </summary>
        [Parameter]
        [ValidateSet("Default", "Recipe")]
        public string Profile { get; set; } = "Default";

        /// <summary>The address the stats page listens on. By default the node's own address.</summary>
        [Parameter]
        public string? StatsBindAddress { get; set; }

        /// <summary>The stats page's user name. Its password is generated and kept with the cluster's secrets.</summary>
        [Parameter]
        [ValidatePattern("^[A-Za-z0-9_.-]{1,32}$")]
        public string StatsUser { get; set; } = "hapg";

        /// <summary>How long to wait for the health checks to settle (exactly one server UP on 5000, and not on 5001), in seconds.</summary>
        [Parameter]
        [ValidateRange(5, 600)]
        public int TimeoutSeconds { get; set; } = 60;

        protected override void Process(HaPgInventory inventory)
        {
            var nodes = SelectNodes(inventory, HaPgRole.Haproxy);
            RequireSupportedPlatform(inventory, nodes);
            if (!IsWhatIf)
            {
                AdoptDeployedStatsPassword(inventory, nodes);
            }

            SecretGenerator.FillMissing(inventory.Secrets);
            var settings = new HaproxySettings
            {
                Timing = Profile == "Recipe" ? PatroniTimingProfile.Recipe : PatroniTimingProfile.Default,
                StatsBindAddress = StatsBindAddress,
                StatsUser = StatsUser,
                StatsPassword = inventory.Secrets.HaproxyStatsPassword!.ToPlainText(),
            };
            var plans = nodes.Select(node => HaproxySteps.For(inventory, node, settings)).ToList();
            RunPlans(inventory, plans, "Installing HAProxy", async (context, outcomes) =>
            {
                context.SetStatus("waiting for health checks");
                var servers = await HaproxySteps.WaitForSettledChecksAsync(context.Host, TimeSpan.FromSeconds(TimeoutSeconds), context.CancellationToken)
                    .ConfigureAwait(false);
                var result = new HaPgHaproxyResult
                {
                    Servers = servers.ToList(),
                    PrimaryUp = servers.Where(s => s.Proxy == HaproxyConfig.PrimaryProxy && s.IsUp).Select(s => s.Server).ToList(),
                    ReplicasUp = servers.Where(s => s.Proxy == HaproxyConfig.ReplicasProxy && s.IsUp).Select(s => s.Server).ToList(),
                };
                if (result.PrimaryUp.Count != 1)
                {
                    context.WriteWarning($"{result.PrimaryUp.Count} servers UP on the primary listener, expected exactly 1: {string.Join(", ", servers)}");
                }

                return result;
            }, HaPgRole.Haproxy, () => new HaPgHaproxyResult());
        }

        /// <summary>The cluster is the source of truth for its secrets: a re-run keeps the deployed stats password.</summary>
        private void AdoptDeployedStatsPassword(HaPgInventory inventory, System.Collections.Generic.IReadOnlyList<HaPgNode> nodes)
        {
            var config = ReadDeployedFile(inventory, nodes, HaproxyConfig.FilePath);
            var deployed = config is null ? null : HaproxyConfig.ReadStatsPassword(config);
            if (deployed is not null)
            {
                inventory.Secrets.HaproxyStatsPassword = deployed.ToSecureString();
            }
        }
    }
}
