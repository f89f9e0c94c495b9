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

        private readonly Func<OsRelease, IReadOnlyList<string>>? selectForOs;

        public PackageStep(params string[] packages)
            : base("install " + string.Join(" ", packages)) => Packages = packages;

        /// <summary>Packages whose names depend on the distro; <paramref name="describedAs"/> says which, for -WhatIf.</summary>
        public PackageStep(string name, string describedAs, Func<OsRelease, IReadOnlyList<string>> selectForOs)
            : base(name)
        {
            Packages = Array.Empty<string>();
            DescribedAs = describedAs;
            this.selectForOs = selectForOs;
        }

        public IReadOnlyList<string> Packages { get; }

        public string? DescribedAs { get; }

        public override IEnumerable<string> Describe()
        {
            var packages = DescribedAs ?? string.Join(" ", Packages);
            yield return $"check: dpkg-query -W {packages}";
            yield return $"run:   {AptGet} install --no-install-recommends {packages}   (only the missing ones)";
        }

        public override async Task<StepOutcome> ApplyAsync(StepContext context)
        {
            var packages = Packages;
            if (selectForOs is not null)
            {
                var osRelease = await context.Host.RunAsync(new RemoteCommand(OsRelease.ReadCommand) { Sudo = false }, context.CancellationToken, Name)
                    .ConfigureAwait(false);
                packages = selectForOs(OsRelease.Parse(osRelease.Stdout));
            }

            var query = await context.Host.ExecuteAsync(new RemoteCommand(QueryCommand(packages)) { Sudo = false }, context.CancellationToken)
                .ConfigureAwait(false);
            var missing = ParseMissing(packages, query.Stdout);
            if (missing.Count == 0)
            {
                return StepOutcome.Unchanged(Name);
            }

            var install = await context.Host.ExecuteAsync(new RemoteCommand(InstallCommand(missing)), context.CancellationToken)
                .ConfigureAwait(false);
            if (!install.Succeeded)
            {
                // A stale or empty package index is the usual cause: refresh it once and retry.
                context.Verbose("apt-get install failed; refreshing the package index and retrying");
                await context.Host.RunAsync(new RemoteCommand(AptGet + " update"), context.CancellationToken, Name).ConfigureAwait(false);
                await context.Host.RunAsync(new RemoteCommand(InstallCommand(missing)), context.CancellationToken, Name).ConfigureAwait(false);
            }

            return StepOutcome.ChangedBy(Name, "installed " + string.Join(" ", missing));
        }

        /// <summary>
        /// Parses `dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n'` output. The abbreviation's second letter is the
        /// package's state: "i" means installed, whatever was selected ("ii", or "hi" for a package on hold); a third
        /// letter (an error flag such as "R", reinstall required) means it is not usable.
        /// </summary>
        public static IReadOnlyList<string> ParseMissing(IEnumerable<string> wanted, string dpkgQueryOutput)
        {
            var installed = new HashSet<string>(
                dpkgQueryOutput.Split('\n')
                    .Select(line => line.Split(new[] { ' ', '\t', '\r' }, StringSplitOptions.RemoveEmptyEntries))
                    .Where(fields => fields.Length == 2 && fields[0].Length == 2 && fields[0][1] == 'i')
                    .Select(fields => fields[1].Split(':')[0]),
                StringComparer.Ordinal);
            return wanted.Where(p => !installed.Contains(p)).ToList();
        }

        private static string QueryCommand(IEnumerable<string> packages) =>
            "dpkg-query -W -f '${db:Status-Abbrev} ${Package}\\n' " + ShellQuote.Join(packages) + " 2>/dev/null || true";

        private static string InstallCommand(IEnumerable<string> packages) =>
            AptGet + " install --no-install-recommends " + ShellQuote.Join(packages);
    }
}
