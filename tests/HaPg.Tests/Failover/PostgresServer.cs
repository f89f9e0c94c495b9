using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security;
using HaPg.Failover;
using Npgsql;

namespace HaPg.Tests.Failover
{
    /// <summary>
    /// A throwaway PostgreSQL cluster on loopback (Debian's postgresql package, run as the postgres user), with a
    /// password-protected (scram-sha-256) non-superuser owning its own database. Needs root.
    /// </summary>
    public sealed class PostgresServer : IDisposable
    {
        public const string Role = "hapg_test";
        private readonly string binDirectory;
        private readonly string directory;
        private readonly string dataDirectory;
        private readonly string password = Guid.NewGuid().ToString("N");

        private readonly string startOptions = string.Empty;

        public PostgresServer()
            : this(null)
        {
        }

        /// <param name="tls">A certificate and key to serve TLS with (ssl = on), e.g. issued by a test's own cluster CA.</param>
        public PostgresServer(HaPg.Components.Tls.IssuedCertificate? tls)
        {
            binDirectory = Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                    .Where(d => File.Exists(Path.Combine(d, "initdb")))
                    .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                    .FirstOrDefault() ?? string.Empty
                : string.Empty;
            if (binDirectory.Length == 0) throw new InvalidOperationException("PostgreSQL server binaries not found: apt-get install postgresql");

            directory = Directory.CreateTempSubdirectory("hapg-pg-").FullName;
            dataDirectory = Path.Combine(directory, "data");
            Port = FreeLoopbackPort();
            try
            {
                Run("chown", "postgres:postgres", directory);
                RunAsPostgres("initdb", "-D", dataDirectory, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync");
                if (tls is not null)
                {
                    var certificate = Path.Combine(directory, "server.crt");
                    var key = Path.Combine(directory, "server.key");
                    File.WriteAllText(certificate, tls.CertificatePem);
                    File.WriteAllText(key, tls.PrivateKeyPem);
                    File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                    Run("chown", "postgres:postgres", certificate, key);
                    // Also on 127.0.0.2, an address HaPg's certificates never name: a client that checks names must refuse it there.
                    startOptions = $" -c ssl=on -c ssl_cert_file={certificate} -c ssl_key_file={key} -c listen_addresses=127.0.0.1,127.0.0.2";
                }

                Start();
                using var admin = OpenAdmin();
                // Over the trusted socket, so the password goes into SQL, never onto a command line.
                Execute(admin, $"CREATE ROLE {Role} LOGIN PASSWORD '{password}'");
                Execute(admin, $"CREATE DATABASE {Role} OWNER {Role}");
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public int Port { get; }

        public PostgresTarget Target => TargetWithPassword(password);

        public PostgresTarget TargetWithPassword(string secret, string host = "127.0.0.1")
        {
            var secure = new SecureString();
            foreach (var c in secret) secure.AppendChar(c);
            return new PostgresTarget(host, Port, Role, Role, secure);
        }

        /// <summary>The role's target at another address the server listens on (with TLS: 127.0.0.2).</summary>
        public PostgresTarget TargetAt(string host) => TargetWithPassword(password, host);

        public void Start() => RunAsPostgres("pg_ctl", "-D", dataDirectory, "-l", Path.Combine(directory, "postgres.log"), "-w", "-t", "60",
            "-o", $"-p {Port} -k {directory} {(startOptions.Length > 0 ? startOptions.Trim() : "-c listen_addresses=127.0.0.1")}", "start");

        /// <summary>Kills the server without a shutdown checkpoint, as a crash would.</summary>
        public void Crash() => RunAsPostgres("pg_ctl", "-D", dataDirectory, "-m", "immediate", "-w", "stop");

        /// <summary>A superuser connection over the Unix socket (trust).</summary>
        public NpgsqlConnection OpenAdmin(string database = "postgres")
        {
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
            {
                Host = directory,
                Port = Port,
                Username = "postgres",
                Database = database,
                Pooling = false,
            }.ConnectionString);
            connection.Open();
            return connection;
        }

        public static object? Execute(NpgsqlConnection connection, string sql)
        {
            using var command = new NpgsqlCommand(sql, connection);
            return command.ExecuteScalar();
        }

        public void Dispose()
        {
            if (File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
            {
                try
                {
                    Crash();
                }
                catch (InvalidOperationException)
                {
                    // Already gone; the directory goes anyway.
                }
            }

            Directory.Delete(directory, recursive: true);
        }

        private void RunAsPostgres(string tool, params string[] arguments) =>
            Run("runuser", new[] { "-u", "postgres", "--", Path.Combine(binDirectory, tool) }.Concat(arguments).ToArray());

        private static void Run(string file, params string[] arguments)
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} {string.Join(" ", arguments)} exited with {process.ExitCode}: {stderr}{stdout.Result}");
            }
        }

        private static int FreeLoopbackPort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }
    }
}
