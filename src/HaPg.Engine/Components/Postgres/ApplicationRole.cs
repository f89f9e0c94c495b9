using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Steps;

namespace HaPg.Components.Postgres
{
    /// <summary>
    /// The application role clients log in with (never the superuser, which pg_hba refuses from clients and HAProxy): LOGIN,
    /// no other attribute, its own schema (first on its search_path, so its tables land there). Its password is set as a
    /// SCRAM verifier, and kept in a 0600 file on the database nodes so a later run takes it back instead of rotating it.
    /// </summary>
    public static class ApplicationRole
    {
        public const string Name = "hapg_app";

        /// <summary>Where the database nodes keep the role's password (root, 0600): "hapg_app:&lt;password&gt;".</summary>
        public const string SecretPath = "/etc/patroni/application.secret";

        public static DesiredFile SecretFile(string password) =>
            new DesiredFile(SecretPath, Name + ":" + password + "\n", "0600", "root", "root", containsSecrets: true);

        /// <summary>The password a deployed <see cref="SecretPath"/> holds, or null.</summary>
        public static string? ReadPassword(string deployed)
        {
            var line = deployed.Split('\n').FirstOrDefault(l => l.StartsWith(Name + ":", System.StringComparison.Ordinal));
            var password = line?.Substring(Name.Length + 1).Trim();
            return string.IsNullOrEmpty(password) ? null : password;
        }

        /// <summary>
        /// On the leader, through the local socket as postgres: creates the role and its schema where missing, and sets the
        /// password only when the stored verifier is not this password's. Returns what it changed, or null.
        /// </summary>
        public static async Task<string?> EnsureAsync(IRemoteHost leader, HaPgInventory inventory, string password, CancellationToken cancellationToken)
        {
            var read = await leader.RunAsync(new RemoteCommand(LocalPsql.Command(inventory,
                    $"select coalesce((select rolpassword from pg_authid where rolname = '{Name}'), '-'), " +
                    $"(select count(*) from pg_namespace where nspname = '{Name}'), " +
                    $"coalesce((select rolsuper or rolcreaterole or rolcreatedb or rolreplication or rolbypassrls or not rolcanlogin from pg_roles where rolname = '{Name}'), true)"))
                { LogStdout = false }, cancellationToken, "read the application role").ConfigureAwait(false);
            var fields = read.Stdout.Trim().Split('|');
            var stored = fields.Length == 3 && fields[0] != "-" ? fields[0] : null;
            var hasSchema = fields.Length == 3 && fields[1] == "1";
            var privileged = fields.Length != 3 || fields[2] == "t";
            if (stored is not null && hasSchema && !privileged && ScramVerifier.Verifies(stored, password))
            {
                return null;
            }

            var verifier = ScramVerifier.Create(password);
            var sql =
                $"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{Name}') THEN CREATE ROLE {Name}; END IF; END$$;\n" +
                $"ALTER ROLE {Name} LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS PASSWORD '{verifier}';\n" +
                $"CREATE SCHEMA IF NOT EXISTS {Name} AUTHORIZATION {Name};\n";
            var command = new RemoteCommand("runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -h " + PostgresHost.UnixSocketDirectory + " -p " +
                                            inventory.Ports.Postgres.ToString(CultureInfo.InvariantCulture) + " -d postgres -f -")
            { Stdin = sql };
            command.Secrets.Add(verifier);
            await leader.RunAsync(command, cancellationToken, "create the application role").ConfigureAwait(false);
            return stored is null ? $"role {Name} and its schema created" : $"role {Name} set (password, attributes or schema)";
        }
    }
}
