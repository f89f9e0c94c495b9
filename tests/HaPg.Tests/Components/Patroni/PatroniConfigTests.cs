using System;
using System.Linq;
using HaPg.Components.Common;
using HaPg.Components.Patroni;
using HaPg.Inventory;
using Xunit;

namespace HaPg.Tests.Components.Patroni
{
    public class PatroniConfigTests
    {
        internal static PatroniPasswords Passwords() => new PatroniPasswords
        {
            Superuser = "Su-p4ss:#'\"x",
            Replication = "Rep1-pass",
            Rewind = "Rew1-pass",
            RestApi = "Api1-pass",
        };

        internal static string Render(PatroniSettings? settings = null, HaPgInventory? inventory = null)
        {
            inventory ??= TestInventory.ThreeNodes(false, "192.168.50.0/24");
            return PatroniConfig.Render(inventory, inventory.Nodes[0], 15, settings ?? new PatroniSettings(), Passwords()).Content;
        }

        [Fact]
        public void RendersAConfigThatParsesBackWithTheExpectedStructure()
        {
            var inventory = TestInventory.ThreeNodes(false, "192.168.50.0/24");
            var file = PatroniConfig.Render(inventory, inventory.Nodes[0], 15, new PatroniSettings(), Passwords());
            var c = DataTree.ParseMap(file.Content);

            Assert.Equal(("/etc/patroni/config.yml", "0600", "postgres", "postgres", true),
                (file.Path, file.Mode, file.Owner, file.Group, file.ContainsSecrets));
            Assert.Null(file.ValidateCommand);
            Assert.Equal("demo", c.String("scope"));
            Assert.Equal("/service/", c.String("namespace"));
            Assert.Equal("pg1", c.String("name"));
            Assert.Equal("10.0.0.11:8008", c.Path("restapi.listen"));
            Assert.Equal("10.0.0.11:8008", c.Path("restapi.connect_address"));
            Assert.Equal("patroni", c.Path("restapi.authentication.username"));
            Assert.Equal("Api1-pass", c.Path("restapi.authentication.password"));
            Assert.False(c.ContainsKey("etcd"));
            Assert.Equal(new object?[] { "10.0.0.11:2379", "10.0.0.12:2379", "10.0.0.13:2379" }, c.Map("etcd3")!.List("hosts"));
            Assert.DoesNotContain("\netcd:", file.Content);

            var dcs = (DataMap)c.Path("bootstrap.dcs")!;
            Assert.Equal((20L, 5L, 5L, 1048576L), (dcs.Long("ttl"), dcs.Long("loop_wait"), dcs.Long("retry_timeout"), dcs.Long("maximum_lag_on_failover")));
            Assert.Equal((false, false, true), (dcs.Bool("synchronous_mode"), dcs.Bool("synchronous_mode_strict"), dcs.Bool("failsafe_mode")));
            Assert.Equal(true, c.Path("bootstrap.dcs.postgresql.use_pg_rewind"));
            var parameters = (DataMap)c.Path("bootstrap.dcs.postgresql.parameters")!;
            Assert.Equal(("replica", "on", "on", "scram-sha-256", 10L),
                (parameters.String("wal_level"), parameters.String("hot_standby"), parameters.String("wal_log_hints"),
                 parameters.String("password_encryption"), parameters.Long("max_wal_senders")));
            Assert.Contains("hot_standby: \"on\"", file.Content);
            var initdb = ((DataMap)c.Path("bootstrap")!).List("initdb");
            Assert.Equal("UTF8", ((DataMap)initdb[0]!).String("encoding"));
            Assert.Equal("data-checksums", initdb[1]);

            Assert.Equal("10.0.0.11,127.0.0.1:5432", c.Path("postgresql.listen"));
            Assert.Equal("10.0.0.11:5432", c.Path("postgresql.connect_address"));
            Assert.Equal("/var/lib/postgresql/15/demo", c.Path("postgresql.data_dir"));
            Assert.Equal("/usr/lib/postgresql/15/bin", c.Path("postgresql.bin_dir"));
            Assert.Equal("/var/lib/postgresql/.pgpass_patroni", c.Path("postgresql.pgpass"));
            Assert.Equal("Su-p4ss:#'\"x", c.Path("postgresql.authentication.superuser.password"));
            Assert.Equal("replicator", c.Path("postgresql.authentication.replication.username"));
            Assert.Equal("rewind_user", c.Path("postgresql.authentication.rewind.username"));
            Assert.Equal("/var/run/postgresql", c.Path("postgresql.parameters.unix_socket_directories"));
            Assert.Equal(true, c.Path("postgresql.use_unix_socket"));
            var hba = ((DataMap)c.Path("postgresql")!).List("pg_hba");
            Assert.Contains("hostssl all all 192.168.50.0/24 scram-sha-256", hba);
            Assert.DoesNotContain(hba, l => ((string)l!).Contains("/0 ") && !((string)l!).EndsWith(" reject", StringComparison.Ordinal));
            Assert.DoesNotContain(hba, l => ((string)l!).StartsWith("host ", StringComparison.Ordinal) && !((string)l!).Contains(" 127.0.0.1/32 "));

            // TLS: the REST API, the etcd client, PostgreSQL, and replication and pg_rewind verifying the leader's certificate.
            Assert.Equal(("/etc/hapg/tls/postgres.crt", "/etc/hapg/tls/postgres.key"), (c.Path("restapi.certfile"), c.Path("restapi.keyfile")));
            Assert.Equal(new object?[] { "10.0.0.11", "10.0.0.12", "10.0.0.13", "127.0.0.1" }, c.Map("restapi")!.List("allowlist"));
            Assert.Equal(("https", "/etc/hapg/tls/ca.crt", "/etc/hapg/tls/postgres.crt", "/etc/hapg/tls/postgres.key"),
                (c.Path("etcd3.protocol"), c.Path("etcd3.cacert"), c.Path("etcd3.cert"), c.Path("etcd3.key")));
            Assert.Equal("/etc/hapg/tls/ca.crt", c.Path("ctl.cacert"));
            Assert.Equal(("on", "/etc/hapg/tls/postgres.crt", "/etc/hapg/tls/postgres.key"),
                (c.Path("postgresql.parameters.ssl"), c.Path("postgresql.parameters.ssl_cert_file"), c.Path("postgresql.parameters.ssl_key_file")));
            foreach (var user in new[] { "replication", "rewind" })
            {
                Assert.Equal(("verify-full", "/etc/hapg/tls/ca.crt"),
                    (c.Path($"postgresql.authentication.{user}.sslmode"), c.Path($"postgresql.authentication.{user}.sslrootcert")));
            }
            Assert.Equal(false, c.Path("tags.nofailover"));
            Assert.Equal(false, c.Path("tags.nosync"));
        }

        [Theory]
        [InlineData(SynchronousMode.On, true, false)]
        [InlineData(SynchronousMode.Strict, true, true)]
        public void SynchronousModes(SynchronousMode mode, bool sync, bool strict)
        {
            var c = DataTree.ParseMap(Render(new PatroniSettings { Synchronous = mode }));
            Assert.Equal(sync, c.Path("bootstrap.dcs.synchronous_mode"));
            Assert.Equal(strict, c.Path("bootstrap.dcs.synchronous_mode_strict"));
        }

        [Fact]
        public void RecipeProfileKeepsPatroniDefaults()
        {
            var c = DataTree.ParseMap(Render(new PatroniSettings { Timing = PatroniTimingProfile.Recipe }));
            Assert.Equal(30m, c.Path("bootstrap.dcs.ttl"));
            Assert.Equal(10m, c.Path("bootstrap.dcs.loop_wait"));
            Assert.Equal(10m, c.Path("bootstrap.dcs.retry_timeout"));
        }

        [Fact]
        public void BothProfilesObeyTheTimingRule()
        {
            foreach (var p in new[] { PatroniTimingProfile.Recipe, PatroniTimingProfile.Default })
            {
                Assert.Empty(p.Validate());
                Assert.True(p.LoopWait + (2 * p.RetryTimeout) <= p.Ttl);
            }
        }

        [Fact]
        public void TimingRuleViolationIsAnErrorWithTheNumbers()
        {
            var bad = new PatroniTimingProfile("Custom", 20, 10, 6, 1, 2, 1);
            var issue = Assert.Single(bad.Validate());
            Assert.Equal("HaPg.Patroni.InvalidTiming", issue.Id);
            Assert.Contains("10 + 2*6 = 22 > 20", issue.Message);

            var ex = Assert.Throws<HaPgValidationException>(() => Render(new PatroniSettings { Timing = bad }));
            Assert.Equal("HaPg.Patroni.InvalidTiming", ex.Issue.Id);

            Assert.Contains(new PatroniTimingProfile("Tiny", 10, 1, 2, 1, 1, 1).Validate(), i => i.Message.Contains("minimums"));
            Assert.Single(new PatroniTimingProfile("NoChecks", 30, 10, 10, 0, 3, 2).Validate());
            Assert.Contains(new PatroniTimingProfile("Busy", 30, 10, 10, 3, 3, 2, 50).Validate(), i => i.Message.Contains("fastinter"));
        }

        [Fact]
        public void CheckOptionsNameOnlyTheIntervalsAProfileSets()
        {
            Assert.Equal("inter 3s fall 3 rise 2", PatroniTimingProfile.Recipe.HaproxyCheckOptions);
            Assert.Equal("inter 2s fastinter 250ms downinter 250ms fall 3 rise 1", PatroniTimingProfile.Default.HaproxyCheckOptions);
            Assert.Equal("inter 1s downinter 500ms fall 2 rise 1", new PatroniTimingProfile("Mixed", 20, 5, 5, 1, 2, 1, null, 500).HaproxyCheckOptions);
            Assert.Contains("check inter 2s fastinter 250ms", PatroniTimingProfile.Default.ToString());
        }

        [Fact]
        public void MissingPasswordsAndWrongNodeAreRefused()
        {
            var inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true);
            var ex = Assert.Throws<HaPgValidationException>(() =>
                PatroniConfig.Render(inventory, inventory.Nodes[0], 15, new PatroniSettings(), new PatroniPasswords { Superuser = "x" }));
            Assert.Equal("HaPg.Patroni.MissingPassword", ex.Issue.Id);
            Assert.Contains("replication, rewind, REST API", ex.Message);
            Assert.Same(inventory.Nodes[0], ex.Issue.Target);

            var notPg = Assert.Throws<HaPgValidationException>(() =>
                PatroniConfig.Render(inventory, inventory.Nodes[3], 15, new PatroniSettings(), Passwords()));
            Assert.Equal("HaPg.Patroni.NotAPostgresNode", notPg.Issue.Id);
        }

        [Fact]
        public void ReadsPasswordsBackFromADeployedConfig()
        {
            var read = PatroniConfig.ReadPasswords(Render());

            Assert.Equal(Passwords().Superuser, read.Superuser);
            Assert.Equal("Rep1-pass", read.Replication);
            Assert.Equal("Rew1-pass", read.Rewind);
            Assert.Equal("Api1-pass", read.RestApi);
            Assert.Null(PatroniConfig.ReadPasswords("scope: x\npostgresql:\n  authentication:\n    superuser:\n      username: postgres\n").Superuser);
        }

        [Fact]
        public void NothingPrintsAPassword()
        {
            var passwords = Passwords();
            var inventory = TestInventory.ThreeNodes();
            var file = PatroniConfig.Render(inventory, inventory.Nodes[0], 15, new PatroniSettings(), passwords);

            Assert.Equal("PatroniPasswords (redacted)", passwords.ToString());
            Assert.Equal("/etc/patroni/config.yml (0600 postgres:postgres, secrets)", file.ToString());
            Assert.DoesNotContain("Rep1-pass", file.ToString());
        }

        [Fact]
        public void UnitMatchesTheDebianPackage()
        {
            var unit = PatroniService.RenderUnit(etcdOnThisNode: true).Content;

            Assert.Contains("ExecStart=/usr/bin/patroni /etc/patroni/config.yml\n", unit);
            Assert.Contains("User=postgres\nGroup=postgres\n", unit);
            Assert.Contains("KillMode=process\n", unit);
            Assert.Contains("Restart=on-failure\n", unit);
            Assert.Contains("TimeoutSec=30\n", unit);
            Assert.Contains("ExecReload=/bin/kill -s HUP $MAINPID\n", unit);
            Assert.Contains("After=network-online.target etcd.service\n", unit);
            Assert.Contains("After=network-online.target\n", PatroniService.RenderUnit(false).Content);
            Assert.DoesNotContain("Requires=", unit);
        }
    }
}
