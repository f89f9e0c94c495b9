using System;
using System.Management.Automation;
using HaPg.Components.Common;
using HaPg.Components.Patroni;
using HaPg.Inventory;
using HaPg.Operations;
using HaPg.Results;

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
                Synchronous = (HaPg.Components.Patroni.SynchronousMode)Enum.Parse(typeof(HaPg.Components.Patroni.SynchronousMode), SynchronousMode, ignoreCase: true),
            };
            var options = new PatroniRolloutOptions
            {
                Settings = settings,
                Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
                AllowKnownDataLoss = AllowKnownDataLoss,
            };
            new PatroniRollout(Operation(inventory), options).Run(SelectNodes(inventory, HaPgRole.Postgres));
        }
    }
}
