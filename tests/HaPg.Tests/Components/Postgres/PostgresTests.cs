using System.Linq;
using HaPg.Components.Common;
using HaPg.Components.Postgres;
using Xunit;

namespace HaPg.Tests.Components.Postgres
{
    public class PostgresTests
    {
        [Fact]
        public void PgHbaCoversPatroniReplicationRewindHaproxyAndClientsOnly()
        {
            var inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true, "192.168.50.0/24");
            var entries = PgHba.Entries(inventory, new PostgresUsers());

            Assert.Equal(new[]
            {
                "local all postgres peer",
                "local all all scram-sha-256",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host replication replicator 127.0.0.1/32 scram-sha-256",
                "hostnossl all all 0.0.0.0/0 reject",
                "hostnossl replication all 0.0.0.0/0 reject",
                "hostssl replication replicator 10.0.0.11/32 scram-sha-256",
                "hostssl replication replicator 10.0.0.12/32 scram-sha-256",
                "hostssl replication replicator 10.0.0.13/32 scram-sha-256",
                "hostssl all rewind_user 10.0.0.11/32 scram-sha-256",
                "hostssl all rewind_user 10.0.0.12/32 scram-sha-256",
                "hostssl all rewind_user 10.0.0.13/32 scram-sha-256",
                "hostssl all postgres 10.0.0.20/32 reject",
                "hostssl all postgres 192.168.50.0/24 reject",
                "hostssl all all 10.0.0.20/32 scram-sha-256",
                "hostssl all all 192.168.50.0/24 scram-sha-256",
            }, entries);
            Assert.Empty(PgHbaChecker.Check(entries));
        }

        [Fact]
        public void PgHbaMatchesAsPostgresDoesFirstLineWins()
        {
            var inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true, "192.168.50.0/24");
            var conf = string.Join("\n", PgHba.Entries(inventory, new PostgresUsers()));
            var proxy = System.Net.IPAddress.Parse("10.0.0.20");
            var client = System.Net.IPAddress.Parse("192.168.50.7");
            Assert.True(PgHbaMatcher.Refuses(PgHbaMatcher.FirstMatch(conf, proxy, "postgres", "postgres", ssl: true)));
            Assert.True(PgHbaMatcher.Refuses(PgHbaMatcher.FirstMatch(conf, client, "postgres", "postgres", ssl: false)));
            Assert.True(PgHbaMatcher.Refuses(PgHbaMatcher.FirstMatch(conf, client, "postgres", "hapg_app", ssl: false)));
            Assert.Equal("hostssl all all 192.168.50.0/24 scram-sha-256", PgHbaMatcher.FirstMatch(conf, client, "postgres", "hapg_app", ssl: true));
            Assert.Equal("hostssl replication replicator 10.0.0.12/32 scram-sha-256",
                PgHbaMatcher.FirstMatch(conf, System.Net.IPAddress.Parse("10.0.0.12"), "replication", "replicator", ssl: true));
            Assert.Null(PgHbaMatcher.FirstMatch(conf, System.Net.IPAddress.Parse("10.0.0.99"), "postgres", "hapg_app", ssl: true));

            // Before HaPg refused the superuser, a client network line let it in: the check must see that.
            var old = "host all all 192.168.50.0/24 scram-sha-256";
            Assert.False(PgHbaMatcher.Refuses(PgHbaMatcher.FirstMatch(old, client, "postgres", "postgres", ssl: true)));
        }

        [Fact]
        public void ScramVerifierIsPostgresFormatAndVerifiesOnlyItsPassword()
        {
            var verifier = ScramVerifier.Create("s3cret");
            Assert.Matches(@"\ASCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}\z", verifier);
            Assert.True(ScramVerifier.Verifies(verifier, "s3cret"));
            Assert.False(ScramVerifier.Verifies(verifier, "s3cret2"));
            Assert.False(ScramVerifier.Verifies("md5abc", "s3cret"));
            Assert.False(ScramVerifier.Verifies(null, "s3cret"));
            Assert.NotEqual(verifier, ScramVerifier.Create("s3cret"));
        }

        [Fact]
        public void PgHbaRefusesWorldClientNetwork()
        {
            var inventory = TestInventory.ThreeNodes(false, "0.0.0.0/0");
            Assert.Equal("HaPg.Components.WorldOpenNetwork",
                Assert.Throws<HaPgValidationException>(() => PgHba.Entries(inventory, new PostgresUsers())).Issue.Id);
        }

        [Fact]
        public void CheckerFlagsTheTutorialsFaults()
        {
            var findings = PgHbaChecker.CheckText(
                "# comment 0.0.0.0/0\n" +
                "local all all trust\n" +
                "host replication replicator 10.0.0.11/0 md5\n" +
                "host all all 0.0.0.0/0 md5\n" +
                "hostssl all all ::/0 scram-sha-256\n" +
                "host all all 10.0.0.0 0.0.0.0 scram-sha-256\n" +
                "host all all all trust\n" +
                "host all all 10.0.0.0/8 password\n" +
                "host all all 10.0.0.12/32 scram-sha-256 # fine\n");

            Assert.Equal(new[]
            {
                "OpenToWorld@3", "WeakMethod@3", "OpenToWorld@4", "WeakMethod@4", "OpenToWorld@5", "OpenToWorld@6",
                "OpenToWorld@7", "Trust@7", "WeakMethod@8",
            }, findings.Select(f => $"{f.Kind}@{f.LineNumber}"));
            Assert.Equal("host all all 0.0.0.0/0 md5", findings[2].Line);
        }

        [Fact]
        public void PicksRequestedOrHighestMajor()
        {
            const string output = "/usr/lib/postgresql/13/bin\n/usr/lib/postgresql/15/bin\n/usr/lib/postgresql/9.6/bin\n";
            Assert.Equal(15, PostgresHost.PickMajor(output, null));
            Assert.Equal(13, PostgresHost.PickMajor(output, 13));
            Assert.Equal("/usr/lib/postgresql/13/bin", PostgresHost.BinDir(13));
            var ex = Assert.Throws<HaPgValidationException>(() => PostgresHost.PickMajor(output, 16));
            Assert.Equal("HaPg.Postgres.NotInstalled", ex.Issue.Id);
            Assert.Contains("13, 15", ex.Message);
            Assert.Throws<HaPgValidationException>(() => PostgresHost.PickMajor("ls: cannot access", null));
        }

        [Fact]
        public void DataDirIsBesideMainAndNeverMain()
        {
            Assert.Equal("/var/lib/postgresql/15/demo", PostgresHost.DataDir(15, "demo"));
            Assert.Equal("HaPg.Postgres.ReservedClusterName",
                Assert.Throws<HaPgValidationException>(() => PostgresHost.DataDir(15, "main")).Issue.Id);
            Assert.Equal("HaPg.Components.InvalidName",
                Assert.Throws<HaPgValidationException>(() => PostgresHost.DataDir(15, "../etc")).Issue.Id);
            var change = PostgresHost.DataDirChange(15, "demo");
            Assert.Equal("install -d -o postgres -g postgres -m 0700 '/var/lib/postgresql/15/demo'", change.ApplyCommand);
            Assert.Contains("'postgres:postgres:700'", change.CheckCommand);
        }

        [Fact]
        public void DistroClusterIsDisabledWithChecks()
        {
            var changes = PostgresHost.DisableDistroCluster(15);

            Assert.Equal("test ! -e /etc/postgresql/15/main/start.conf || grep -qx 'disabled' /etc/postgresql/15/main/start.conf", changes[0].CheckCommand);
            Assert.Equal("printf 'disabled\\n' > /etc/postgresql/15/main/start.conf && systemctl daemon-reload", changes[0].ApplyCommand);
            Assert.Equal("pg_ctlcluster 15 main stop", changes[1].ApplyCommand);
            Assert.Equal("systemctl disable --now postgresql", changes[2].ApplyCommand);
            Assert.Equal("pg_dropcluster --stop 15 main", PostgresHost.DropDistroCluster(15).ApplyCommand);
        }
    }
}
