using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using HaPg.Remote;

namespace HaPg.Steps
{
    /// <summary>Installs the Debian packages that are not installed yet; never upgrades or removes.</summary>
    public sealed class PackageStep : NodeStep
    {
        private const string AptGet =
            "DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confold";

        public PackageStep(params string[] packages)
            : base("install " + string.Join(" ", packages)) => Packages = packages;

        public IReadOnlyList<string> Packages { get; }

        public override IEnumerable<string> Describe()
        {
            yield return $"check: {QueryCommand(Packages)}";
            yield return $"run:   {InstallCommand(Packages)}";
        }

        public override async Task<StepOutcome> ApplyAsync(StepContext context)
        {
            var missing = await FindMissingAsync(context).ConfigureAwait(false);
            if (missing.Count == 0)
            {
                return StepOutcome.Unchanged(Name);
            }

            var install = await context.Host.ExecuteAsync(new RemoteCommand(InstallCommand(missing)), context.CancellationToken)
                .ConfigureAwait(false);
            if (!install.Succeeded)
            {
                // A stale or empty package index is the usual cause: refresh it once and retry.
                context.Verbose("package index looks stale; running apt-get update");
                await context.Host.RunAsync(new RemoteCommand(AptGet + " update"), context.CancellationToken, Name).ConfigureAwait(false);
                await context.Host.RunAsync(new RemoteCommand(InstallCommand(missing)), context.CancellationToken, Name).ConfigureAwait(false);
            }

            return StepOutcome.ChangedBy(Name, "installed " + string.Join(" ", missing));
        }

        /// <summary>Parses `dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n'` output: "ii " means installed.</summary>
        public static IReadOnlyList<string> ParseMissing(IEnumerable<string> wanted, string dpkgQueryOutput)
        {
            var installed = new HashSet<string>(
                dpkgQueryOutput.Split('\n')
                    .Select(line => line.Trim())
                    .Where(line => line.StartsWith("ii ", StringComparison.Ordinal))
                    .Select(line => line.Substring(3).Trim().Split(':')[0]),
                StringComparer.Ordinal);
            return wanted.Where(p => !installed.Contains(p)).ToList();
        }

        private async Task<IReadOnlyList<string>> FindMissingAsync(StepContext context)
        {
            var query = await context.Host.ExecuteAsync(new RemoteCommand(QueryCommand(Packages)) { Sudo = false }, context.CancellationToken)
                .ConfigureAwait(false);
            return ParseMissing(Packages, query.Stdout);
        }

        private static string QueryCommand(IEnumerable<string> packages) =>
            "dpkg-query -W -f '${db:Status-Abbrev} ${Package}\\n' " + string.Join(" ", packages) + " 2>/dev/null || true";

        private static string InstallCommand(IEnumerable<string> packages) =>
            AptGet + " install --no-install-recommends " + string.Join(" ", packages);
    }
}
