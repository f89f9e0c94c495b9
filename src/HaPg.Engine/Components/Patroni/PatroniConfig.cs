using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HaPg.Components.Common;
using HaPg.Components.Etcd;
using HaPg.Components.Postgres;
using HaPg.Components.Tls;
using HaPg.Inventory;
using HaPg.Steps;

namespace HaPg.Components.Patroni
{
    /// <summary>/etc/patroni/config.yml for one Postgres node. Always the etcd3 section, never the v2 "etcd:" one.</summary>
    public static class PatroniConfig
    {
        public const string FilePath = "/etc/patroni/config.yml";

        /// <summary>Outside /tmp, in postgres' home, so nobody else can plant or read it.</summary>
        public const string PgPassPath = "/var/lib/postgresql/.pgpass_patroni";

        public const string UnixSocketDirectory = PostgresHost.UnixSocketDirectory;

        /// <summary>The config as an ordered tree (what <see cref="Render"/> writes).</summary>
        public static DataMap Build(HaPgInventory inventory, HaPgNode node, int postgresMajor, PatroniSettings settings, PatroniPasswords passwords)
        {
            Validate(inventory, node, settings, passwords).ThrowIfAnyError();
            var ports = inventory.Ports;
            var users = settings.Users;
            var timing = settings.Timing;
            var ip = NetAddress.NodeIp(node).ToString();
            var tls = TlsIdentity.Postgres;

            return new DataMap
            {
                { "scope", inventory.ClusterName },
                { "namespace", inventory.Namespace },
                { "name", node.Name },
                {
                    "restapi", new DataMap
                    {
                        { "listen", NetAddress.HostPort(node, ports.PatroniRest) },
                        { "connect_address", NetAddress.HostPort(node, ports.PatroniRest) },
                        { "authentication", Credentials(settings.RestApiUser, passwords.RestApi) },
                        { "certfile", tls.CertificatePath },
                        { "keyfile", tls.KeyPath },

                        // Unsafe methods only from the database nodes: HaPg calls them on the node itself.
                        { "allowlist", RestApiAllowlist(inventory) },
                    }
                },
                { "ctl", new DataMap { { "cacert", TlsIdentity.CaPath } } },
                {
                    "etcd3", new DataMap
                    {
                        { "hosts", EtcdConfig.ClientHostPorts(inventory).ToList() },
                        { "protocol", "https" },
                        { "cacert", TlsIdentity.CaPath },
                        { "cert", tls.CertificatePath },
                        { "key", tls.KeyPath },
                    }
                },
                {
                    "bootstrap", new DataMap
                    {
                        {
                            "dcs", new DataMap
                            {
                                { "ttl", timing.Ttl },
                                { "loop_wait", timing.LoopWait },
                                { "retry_timeout", timing.RetryTimeout },
                                { "maximum_lag_on_failover", settings.MaximumLagOnFailover },
                                { "synchronous_mode", settings.Synchronous != SynchronousMode.Off },
                                { "synchronous_mode_strict", settings.Synchronous == SynchronousMode.Strict },
                                { "failsafe_mode", settings.FailsafeMode },
                                {
                                    "postgresql", new DataMap
                                    {
                                        { "use_pg_rewind", true },
                                        { "use_slots", true },
                                        {
                                            "parameters", new DataMap
                                            {
                                                { "wal_level", "replica" },
                                                { "hot_standby", "on" },
                                                { "wal_log_hints", "on" },
                                                { "max_connections", settings.MaxConnections },
                                                { "max_wal_senders", settings.MaxWalSenders },
                                                { "max_replication_slots", settings.MaxReplicationSlots },
                                                { "password_encryption", "scram-sha-256" },
                                            }
                                        },
                                    }
                                },
                            }
                        },
                        { "initdb", new List<object?> { new DataMap { { "encoding", "UTF8" } }, "data-checksums" } },
                    }
                },
                {
                    "postgresql", new DataMap
                    {
                        { "listen", ip + ",127.0.0.1:" + ports.Postgres.ToString(CultureInfo.InvariantCulture) },
                        { "connect_address", NetAddress.HostPort(node, ports.Postgres) },
                        { "data_dir", PostgresHost.DataDir(postgresMajor, inventory.ClusterName) },
                        { "bin_dir", PostgresHost.BinDir(postgresMajor) },
                        { "pgpass", PgPassPath },

                        // Patroni's own superuser connection goes over the socket (pg_hba: local all postgres peer).
                        { "use_unix_socket", true },
                        {
                            "authentication", new DataMap
                            {
                                { "superuser", Credentials(users.Superuser, passwords.Superuser) },
                                { "replication", VerifiedTls(Credentials(users.Replication, passwords.Replication)) },
                                { "rewind", VerifiedTls(Credentials(users.Rewind, passwords.Rewind)) },
                            }
                        },
                        {
                            "parameters", new DataMap
                            {
                                { "unix_socket_directories", UnixSocketDirectory },
                                { "ssl", "on" },
                                { "ssl_cert_file", tls.CertificatePath },
                                { "ssl_key_file", tls.KeyPath },
                                { "ssl_min_protocol_version", "TLSv1.2" },
                            }
                        },
                        { "pg_hba", PgHba.Entries(inventory, users).Cast<object?>().ToList() },
                    }
                },
                {
                    "tags", new DataMap
                    {
                        { "nofailover", false },
                        { "noloadbalance", false },
                        { "clonefrom", false },
                        { "nosync", false },
                    }
                },
            };
        }

        /// <summary>The config file: 0600 postgres:postgres (it holds every cluster password).</summary>
        public static DesiredFile Render(HaPgInventory inventory, HaPgNode node, int postgresMajor, PatroniSettings settings, PatroniPasswords passwords) =>
            new DesiredFile(FilePath,
                "# Managed by HaPg for node " + HeaderText.Of(node.Name) + ". Changes to bootstrap.dcs only apply through PATCH /config.\n" +
                DataTree.ToYaml(Build(inventory, node, postgresMajor, settings, passwords)),
                "0600", "postgres", "postgres", containsSecrets: true);

        /// <summary>
        /// Everything Build needs, checked before any host is touched: a Postgres node with a literal IP, plain
        /// names, valid timing, and all four passwords.
        /// </summary>
        public static IReadOnlyList<ValidationIssue> Validate(HaPgInventory inventory, HaPgNode node, PatroniSettings settings, PatroniPasswords passwords)
        {
            var issues = new List<ValidationIssue>(settings.Timing.Validate());
            if (!node.HasRole(HaPgRole.Postgres))
            {
                issues.Add(new ValidationIssue("HaPg.Patroni.NotAPostgresNode", IssueSeverity.Error,
                    $"Node '{node.Name}' has no Postgres role.", node));
            }

            if (!Names.IsPlain(node.Name) || !Names.IsPlain(inventory.ClusterName))
            {
                issues.Add(new ValidationIssue("HaPg.Components.InvalidName", IssueSeverity.Error,
                    $"Node '{ControlCharacters.Safe(node.Name)}' / cluster '{ControlCharacters.Safe(inventory.ClusterName)}': names must be letters, digits, '-', '_' or '.'.", node));
            }

            if (!inventory.NodesWithRole(HaPgRole.Etcd).Any())
            {
                issues.Add(new ValidationIssue("HaPg.Etcd.InvalidMemberCount", IssueSeverity.Error,
                    "Patroni needs etcd, but no node has the Etcd role.", inventory));
            }

            var missing = new[]
            {
                ("superuser", passwords.Superuser), ("replication", passwords.Replication),
                ("rewind", passwords.Rewind), ("REST API", passwords.RestApi),
            }.Where(p => string.IsNullOrEmpty(p.Item2)).Select(p => p.Item1).ToList();
            if (missing.Count > 0)
            {
                issues.Add(new ValidationIssue("HaPg.Patroni.MissingPassword", IssueSeverity.Error,
                    $"Node '{node.Name}': no password given for {string.Join(", ", missing)}.", node));
            }

            return issues;
        }

        /// <summary>
        /// The passwords of a deployed config.yml (missing ones are null), so that a re-run keeps them instead of
        /// generating new ones.
        /// </summary>
        public static PatroniPasswords ReadPasswords(string deployedYaml)
        {
            var config = DataTree.ParseMap(deployedYaml);
            string? At(string path) => DataTree.ScalarText(config.Path(path));
            return new PatroniPasswords
            {
                Superuser = At("postgresql.authentication.superuser.password"),
                Replication = At("postgresql.authentication.replication.password"),
                Rewind = At("postgresql.authentication.rewind.password"),
                RestApi = At("restapi.authentication.password"),
            };
        }

        /// <summary>The addresses allowed to call Patroni's unsafe methods: every database node, and loopback.</summary>
        public static List<object?> RestApiAllowlist(HaPgInventory inventory) =>
            inventory.NodesWithRole(HaPgRole.Postgres).Select(n => (object?)NetAddress.NodeIp(n).ToString())
                .Concat(new object?[] { "127.0.0.1" }).Distinct().ToList();

        /// <summary>Replication and pg_rewind connect over TLS and check the leader's certificate names its address.</summary>
        private static DataMap VerifiedTls(DataMap credentials)
        {
            credentials.Add("sslmode", "verify-full");
            credentials.Add("sslrootcert", TlsIdentity.CaPath);
            return credentials;
        }

        private static DataMap Credentials(string user, string? password) =>
            new DataMap { { "username", user }, { "password", password } };
    }
}
