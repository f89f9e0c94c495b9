using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HaPg.Components.Common;
using HaPg.Remote;
using HaPg.Steps;

namespace HaPg.Components.Postgres
{
    /// <summary>Where PostgreSQL lives on a node, and getting the distro's own cluster out of Patroni's way.</summary>
    public static class PostgresHost
    {
        /// <summary>Lists the installed majors' bin directories (one per line). Exit 2 with no output when none.</summary>
        /// <summary>Where PostgreSQL puts its local socket (Patroni sets unix_socket_directories to it).</summary>
        public const string UnixSocketDirectory = "/var/run/postgresql";

        public const string DiscoverBinDirCommand = "ls -d /usr/lib/postgresql/*/bin";

        public static string BinDir(int major) => $"/usr/lib/postgresql/{major.ToString(CultureInfo.InvariantCulture)}/bin";

        /// <summary>
        /// Patroni's data directory: /var/lib/postgresql/&lt;major&gt;/&lt;scope&gt;, beside the distro's "main",
        /// under directories the package creates for postgres. Scope "main" is refused (it is the distro cluster's).
        /// </summary>
        public static string DataDir(int major, string scope)
        {
            Names.RequirePlain(scope, "Cluster name", scope);
            if (scope == "main")
            {
                throw new HaPgValidationException("HaPg.Postgres.ReservedClusterName",
                    "Cluster name 'main' is the distro cluster's data directory; choose another name.", scope,
                    System.Management.Automation.ErrorCategory.InvalidArgument);
            }

            return $"/var/lib/postgresql/{major.ToString(CultureInfo.InvariantCulture)}/{scope}";
        }

        /// <summary>The data directory exists, owned by postgres, mode 0700 (what PostgreSQL demands).</summary>
        public static HostChange DataDirChange(int major, string scope)
        {
            var dir = ShellQuote.Quote(DataDir(major, scope));
            return new HostChange("PostgreSQL data directory " + DataDir(major, scope),
                $"test \"$(stat -c '%U:%G:%a' {dir} 2>/dev/null)\" = 'postgres:postgres:700'",
                $"install -d -o postgres -g postgres -m 0700 {dir}");
        }

        /// <summary>
        /// Picks the requested major from <see cref="DiscoverBinDirCommand"/>'s output, or the highest one when none
        /// is requested. HaPg.Postgres.NotInstalled when it is not there.
        /// </summary>
        public static int PickMajor(string discoverOutput, int? requested)
        {
            var majors = discoverOutput.Split('\n')
                .Select(l => l.Trim())
                .Where(l => l.StartsWith("/usr/lib/postgresql/", System.StringComparison.Ordinal) && l.EndsWith("/bin", System.StringComparison.Ordinal))
                .Select(l => l.Substring("/usr/lib/postgresql/".Length, l.Length - "/usr/lib/postgresql/".Length - "/bin".Length))
                .Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : (int?)null)
                .Where(m => m.HasValue)
                .Select(m => m!.Value)
                .ToList();
            if (requested is int wanted ? majors.Contains(wanted) : majors.Count > 0)
            {
                return requested ?? majors.Max();
            }

            throw new HaPgValidationException("HaPg.Postgres.NotInstalled",
                requested is null
                    ? "No PostgreSQL server binaries found under /usr/lib/postgresql."
                    : $"PostgreSQL {requested} binaries not found; installed: {(majors.Count == 0 ? "none" : string.Join(", ", majors))}.",
                requested, System.Management.Automation.ErrorCategory.ObjectNotFound);
        }

        /// <summary>
        /// Keeps the distro's own &lt;major&gt;/main cluster down for good, without deleting it: start.conf
        /// "disabled" (so neither boot nor the postgresql unit starts it), the cluster stopped, the umbrella
        /// postgresql unit disabled. Each change is checked first.
        /// </summary>
        public static IReadOnlyList<HostChange> DisableDistroCluster(int major)
        {
            var v = major.ToString(CultureInfo.InvariantCulture);
            var startConf = $"/etc/postgresql/{v}/main/start.conf";
            return new[]
            {
                new HostChange($"distro cluster {v}/main start.conf disabled",
                    $"test ! -e {startConf} || grep -qx 'disabled' {startConf}",
                    $"printf 'disabled\\n' > {startConf} && systemctl daemon-reload"),
                new HostChange($"distro cluster {v}/main stopped",
                    $"! pg_ctlcluster {v} main status >/dev/null 2>&1",
                    $"pg_ctlcluster {v} main stop"),
                new HostChange("postgresql.service disabled and stopped",
                    "! systemctl is-enabled --quiet postgresql && ! systemctl is-active --quiet postgresql",
                    "systemctl disable --now postgresql"),
            };
        }

        /// <summary>
        /// Deletes the distro's &lt;major&gt;/main cluster and its data (pg_dropcluster --stop). Destructive: only for
        /// fresh hosts. Patroni's own directory is never "main" (see <see cref="DataDir"/>), so it cannot be hit.
        /// </summary>
        public static HostChange DropDistroCluster(int major)
        {
            var v = major.ToString(CultureInfo.InvariantCulture);
            return new HostChange($"distro cluster {v}/main dropped",
                $"test ! -e /etc/postgresql/{v}/main/postgresql.conf",
                $"pg_dropcluster --stop {v} main");
        }
    }
}
