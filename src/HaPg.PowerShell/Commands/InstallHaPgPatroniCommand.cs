using System.Linq;
using System.Management.Automation;
using HaPg.Components.Common;
using HaPg.Components.Patroni;
using HaPg.Components.Platform;
using HaPg.Components.Postgres;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Installs PostgreSQL and Patroni from the distro's packages on the database nodes, and keeps the distro's own cluster down.</summary>
    /// <remarks>
    /// <para>Steps 2 and 3 of the recipe, done so they last. A drop-in in /etc/postgresql-common/createcluster.d stops the
    /// server package from creating its default cluster; a distro cluster that exists already is stopped and its start.conf
    /// set to "disabled", so it does not come back on reboot and take port 5432. Nothing is deleted.</para>
    /// <para>Patroni and python3-etcd come from the distro's packages: the recipe's "sudo pip3 install" is refused on Debian 12
    /// and Ubuntu 24.04 (PEP 668). The PostgreSQL bin directory is found and reported, for Patroni's bin_dir.</para>
    /// <para>First each node's release and apt's versions are read from the node: a release HaPg does not support
    /// (HaPg.Platform.Unsupported) or database nodes that would get two PostgreSQL majors (HaPg.Platform.Mismatch) are refused,
    /// all at once, before anything is installed. A Patroni before 3.0.3 (Debian 12's 3.0.2), which can lose acknowledged
    /// writes after a partition or a freeze (patroni/patroni#2689), gets one warning naming every node concerned, and
    /// Set-HaPgPatroniConfig refuses it unless -AllowKnownDataLoss.</para>
    /// </remarks>
    /// <example>
    /// <code>$inventory | Install-HaPgPatroni</code>
    /// <para>Installs on every Postgres node and returns the version and bin directory per node.</para>
    /// </example>
    /// <example>
    /// <code>$inventory | Install-HaPgPatroni -PatroniSource Pgdg -WhatIf</code>
    /// <para>On Debian 12 or Ubuntu: lists, per node, the apt.postgresql.org source, its pinned key and preferences, and the packages.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Install, "HaPgPatroni", SupportsShouldProcess = true)]
    [OutputType(typeof(HaPgPatroniInstallResult))]
    public sealed class InstallHaPgPatroniCommand : NodeCmdlet
    {
        /// <summary>
        /// Where Patroni comes from: Distro (the default), or Pgdg, the PostgreSQL project's apt repository (apt.postgresql.org),
        /// for a Patroni with the fixes Debian 12's 3.0.2 lacks. Pgdg adds a source signed by the key Debian's postgresql-common
        /// ships, accepted only when the file holds that key alone, with its pinned fingerprint (HaPg.Patroni.PgdgKeyMismatch otherwise), and apt preferences that take
        /// Patroni from it and never PostgreSQL. It installs Patroni where it is missing; an installed Patroni is not upgraded.
        /// </summary>
        [Parameter]
        [ValidateSet("Distro", "Pgdg")]
        public string PatroniSource { get; set; } = "Distro";

        protected override void Process(HaPgInventory inventory)
        {
            var nodes = SelectNodes(inventory, HaPgRole.Postgres);
            var platforms = RequireSupportedPlatform(inventory, nodes);
            Operation(inventory).WarnOrRefuse(new[] { PlatformSupport.Mismatch(platforms, inventory.PostgresVersion) });

            var source = PatroniSource == "Pgdg" ? HaPg.Components.Postgres.PatroniSource.Pgdg : HaPg.Components.Postgres.PatroniSource.Distro;
            var plans = nodes.Select(node => PostgresSteps.Install(inventory, node, source)).ToList();
            var results = RunPlans(inventory, plans, "Installing PostgreSQL and Patroni", async (context, outcomes) =>
            {
                var major = await PostgresSteps.DiscoverMajorAsync(context.Host, inventory.PostgresVersion, context.CancellationToken).ConfigureAwait(false);
                var patroni = await context.Host.RunAsync(new RemoteCommand("dpkg-query -W -f '${Version}' patroni") { Sudo = false },
                    context.CancellationToken).ConfigureAwait(false);
                return new HaPgPatroniInstallResult
                {
                    PostgresVersion = major,
                    BinDir = PostgresHost.BinDir(major),
                    PatroniVersion = patroni.Stdout.Trim(),
                };
            }, HaPgRole.Postgres, () => new HaPgPatroniInstallResult());

            // Once, naming every node concerned; Set-HaPgPatroniConfig refuses such a Patroni unless told otherwise.
            var installed = results.OfType<HaPgPatroniInstallResult>().Select(r => (r.Node, (string?)r.PatroniVersion));
            if (PlatformSupport.KnownDataLossFinding(installed) is string finding)
            {
                WriteWarning(finding + " Set-HaPgPatroniConfig refuses such a Patroni unless -AllowKnownDataLoss; Debian 13 ships 4.0.7.");
            }
        }
    }
}
