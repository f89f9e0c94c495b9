using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using HaPg.Components.Common;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Steps;

namespace HaPg.Components.Postgres
{
    /// <summary>
    /// A database node's install plan: the distro's PostgreSQL without its default cluster, Patroni and its etcd
    /// client from distro packages (pip is refused by PEP 668 on Debian 12 and Ubuntu 24.04), and any distro
    /// cluster kept down for good, also across reboots.
    /// </summary>
    public static class PostgresSteps
    {
        public const string CreateClusterDropIn = "/etc/postgresql-common/createcluster.d/hapg.conf";

        public static NodePlan Install(HaPgInventory inventory, HaPgNode node, PatroniSource source = PatroniSource.Distro)
        {
            var server = inventory.PostgresVersion is int major ? "postgresql-" + major.ToString(CultureInfo.InvariantCulture) : "postgresql";
            var steps = new List<NodeStep>
            {
                // Read by pg_createcluster when the server package installs: no distro cluster is created at all.
                new FileStep(new DesiredFile(CreateClusterDropIn, "# Managed by HaPg: Patroni owns PostgreSQL here.\ncreate_main_cluster = false\n",
                    "0644", "root", "root", containsSecrets: false)),
            };
            if (source == PatroniSource.Pgdg)
            {
                steps.Add(new PackageStep("postgresql-common", "ca-certificates"));
                steps.Add(new PgdgKeyStep());
                steps.Add(new PgdgSourceStep());
                steps.Add(new FileStep(PgdgRepository.Pin()));
                steps.Add(new CommandStep("refresh apt's index for apt.postgresql.org",
                    "apt-cache policy | grep -q apt.postgresql.org", AptGet + " update"));
            }

            steps.Add(new PackageStep(server, "patroni", "python3-etcd"));
            steps.Add(new DistroClusterStep(inventory.PostgresVersion));
            return new NodePlan(node, steps);
        }

        private const string AptGet = "DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300";

        /// <summary>Copies postgresql-common's apt.postgresql.org key to apt's keyrings, only when its fingerprint is the pinned one.</summary>
        private sealed class PgdgKeyStep : NodeStep
        {
            public PgdgKeyStep()
                : base("trust apt.postgresql.org's key " + PgdgRepository.KeyFingerprint)
            {
            }

            public override IEnumerable<string> Describe()
            {
                yield return $"check: the OpenPGP fingerprint of {PgdgRepository.PackagedKeyPath} is {PgdgRepository.KeyFingerprint}, its only key (read, checked by HaPg)";
                yield return $"file:  {PgdgRepository.KeyringPath} (mode 0644, root:root, that key)";
            }

            public override async Task<StepOutcome> ApplyAsync(StepContext context)
            {
                var key = await context.Host.ReadFileAsync(PgdgRepository.PackagedKeyPath, context.CancellationToken).ConfigureAwait(false) ?? string.Empty;
                if (PgdgRepository.Verify(context.Host.Node.Name, PgdgRepository.PackagedKeyPath, System.Text.Encoding.UTF8.GetBytes(key)) is ValidationIssue issue)
                {
                    throw new HaPgRemoteException(issue.Id, issue.Category, context.Host.Node, issue.Message);
                }

                var changed = await context.Host.EnsureFileAsync(PgdgRepository.KeyringPath, key, "0644", "root", "root", null, context.CancellationToken)
                    .ConfigureAwait(false);
                return changed ? StepOutcome.ChangedBy(Name) : StepOutcome.Unchanged(Name);
            }
        }

        /// <summary>The deb822 source for the node's own release codename, read from /etc/os-release when it runs.</summary>
        private sealed class PgdgSourceStep : NodeStep
        {
            private const string CodenameCommand = ". /etc/os-release; echo \"$VERSION_CODENAME\"";

            public PgdgSourceStep()
                : base("write " + PgdgRepository.SourcesPath)
            {
            }

            public override IEnumerable<string> Describe()
            {
                yield return $"check: {CodenameCommand}";
                yield return $"file:  {PgdgRepository.SourcesPath} (mode 0644, root:root; {PgdgRepository.Uri} <codename>-pgdg main, Signed-By {PgdgRepository.KeyringPath})";
            }

            public override async Task<StepOutcome> ApplyAsync(StepContext context)
            {
                var codename = await context.Host.RunAsync(new RemoteCommand(CodenameCommand) { Sudo = false }, context.CancellationToken, Name).ConfigureAwait(false);
                DesiredFile file;
                try
                {
                    file = PgdgRepository.Sources(codename.Stdout.Trim());
                }
                catch (HaPgValidationException ex)
                {
                    throw new HaPgRemoteException(ex.Issue.Id, ex.Issue.Category, context.Host.Node, $"{context.Host.Node.Name}: {ex.Issue.Message}", ex);
                }

                return await new FileStep(file).ApplyAsync(context).ConfigureAwait(false);
            }
        }

        /// <summary>The installed major HaPg uses: the inventory's, or the highest installed.</summary>
        public static async Task<int> DiscoverMajorAsync(IRemoteHost host, int? requested, System.Threading.CancellationToken cancellationToken)
        {
            var found = await host.ExecuteAsync(new RemoteCommand(PostgresHost.DiscoverBinDirCommand) { Sudo = false }, cancellationToken).ConfigureAwait(false);
            try
            {
                return PostgresHost.PickMajor(found.Stdout, requested);
            }
            catch (HaPgValidationException ex)
            {
                throw new HaPgRemoteException(ex.Issue.Id, ex.Issue.Category, host.Node, $"{host.Node.Name}: {ex.Issue.Message}", ex);
            }
        }

        /// <summary>Disables every installed major's distro cluster (&lt;major&gt;/main) without deleting it.</summary>
        private sealed class DistroClusterStep : NodeStep
        {
            private readonly int shownMajor;

            public DistroClusterStep(int? requestedMajor)
                : base("keep the distro's PostgreSQL cluster down") => shownMajor = requestedMajor ?? 15;

            public override IEnumerable<string> Describe()
            {
                yield return $"check: {PostgresHost.DiscoverBinDirCommand}   (every installed major M; shown for M={shownMajor})";
                foreach (var line in PostgresHost.DisableDistroCluster(shownMajor).SelectMany(c => new CommandStep(c).Describe()))
                {
                    yield return line;
                }
            }

            public override async Task<StepOutcome> ApplyAsync(StepContext context)
            {
                var found = await context.Host.ExecuteAsync(new RemoteCommand(PostgresHost.DiscoverBinDirCommand) { Sudo = false }, context.CancellationToken)
                    .ConfigureAwait(false);
                var majors = found.Stdout.Split('\n').Select(l => l.Trim().Split('/'))
                    .Where(p => p.Length == 6 && p[5] == "bin" && int.TryParse(p[4], NumberStyles.None, CultureInfo.InvariantCulture, out _))
                    .Select(p => int.Parse(p[4], CultureInfo.InvariantCulture));
                var changed = new List<string>();
                foreach (var change in majors.SelectMany(PostgresHost.DisableDistroCluster))
                {
                    var outcome = await new CommandStep(change).ApplyAsync(context).ConfigureAwait(false);
                    if (outcome.Changed)
                    {
                        changed.Add(change.Name);
                    }
                }

                return changed.Count > 0 ? StepOutcome.ChangedBy(Name, string.Join(", ", changed)) : StepOutcome.Unchanged(Name);
            }
        }
    }
}
