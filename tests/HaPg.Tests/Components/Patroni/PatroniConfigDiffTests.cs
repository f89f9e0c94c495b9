using System.Linq;
using HaPg.Components.Common;
using HaPg.Components.Patroni;
using Xunit;

namespace HaPg.Tests.Components.Patroni
{
    public class PatroniConfigDiffTests
    {
        [Fact]
        public void IdenticalConfigsHaveNoChanges()
        {
            var yaml = PatroniConfigTests.Render();
            var diff = PatroniConfigDiff.Compare(yaml, yaml);

            Assert.Empty(diff.Changes);
            Assert.Null(diff.PatchBody);
            Assert.False(diff.NeedsReload);
            Assert.False(diff.NeedsRestart);
        }

        [Fact]
        public void TimingChangeIsDynamicAndBecomesAPatchBody()
        {
            var diff = PatroniConfigDiff.Compare(
                PatroniConfigTests.Render(new PatroniSettings { Timing = PatroniTimingProfile.Recipe }),
                PatroniConfigTests.Render(new PatroniSettings { Timing = PatroniTimingProfile.Default, Synchronous = SynchronousMode.On }));

            Assert.Equal(new[] { "bootstrap.dcs.ttl", "bootstrap.dcs.loop_wait", "bootstrap.dcs.retry_timeout", "bootstrap.dcs.synchronous_mode" },
                diff.Changes.Select(c => c.Path));
            Assert.All(diff.Changes, c => Assert.Equal(PatroniChangeKind.Dynamic, c.Kind));
            Assert.Equal(("30", "20"), (diff.Changes[0].OldValue, diff.Changes[0].NewValue));
            Assert.Equal("{\"ttl\":20,\"loop_wait\":5,\"retry_timeout\":5,\"synchronous_mode\":true}", diff.PatchBody);
            Assert.False(diff.NeedsReload);
            Assert.False(diff.NeedsRestart);
        }

        [Fact]
        public void DynamicPostmasterParameterNeedsAPostgresRestart()
        {
            var diff = PatroniConfigDiff.Compare(
                PatroniConfigTests.Render(),
                PatroniConfigTests.Render(new PatroniSettings { MaxConnections = 200 }));

            var change = Assert.Single(diff.Changes);
            Assert.Equal(("bootstrap.dcs.postgresql.parameters.max_connections", PatroniChangeKind.Dynamic, true),
                (change.Path, change.Kind, change.RequiresPostgresRestart));
            Assert.Equal("{\"postgresql\":{\"parameters\":{\"max_connections\":200}}}", diff.PatchBody);
            Assert.True(diff.NeedsRestart);
        }

        [Fact]
        public void LocalRestartBootstrapOnlyAndRemovedKeys()
        {
            const string deployed =
                "scope: demo\nname: pg1\nbootstrap:\n  dcs:\n    ttl: 30\n    check_timeline: true\n  initdb:\n  - encoding: UTF8\n" +
                "postgresql:\n  listen: 10.0.0.11:5432\n  data_dir: /data/patroni\n  parameters:\n    work_mem: 4MB\n    shared_buffers: 128MB\n" +
                "  pg_hba:\n  - host all all 0.0.0.0/0 md5\n  authentication:\n    superuser:\n      password: old-secret\n";
            const string desired =
                "scope: demo\nname: pg1\nbootstrap:\n  dcs:\n    ttl: 30\n  initdb:\n  - encoding: UTF8\n  - data-checksums\n" +
                "postgresql:\n  listen: 10.0.0.11,127.0.0.1:5432\n  data_dir: /var/lib/postgresql/15/demo\n  parameters:\n    work_mem: 8MB\n    shared_buffers: 256MB\n" +
                "  pg_hba:\n  - host all all 10.0.0.0/24 scram-sha-256\n  authentication:\n    superuser:\n      password: new-secret\n";

            var diff = PatroniConfigDiff.Compare(deployed, desired);
            var byPath = diff.Changes.ToDictionary(c => c.Path);

            Assert.Equal((PatroniChangeKind.Dynamic, "true", (string?)null), (byPath["bootstrap.dcs.check_timeline"].Kind,
                byPath["bootstrap.dcs.check_timeline"].OldValue, byPath["bootstrap.dcs.check_timeline"].NewValue));
            Assert.Equal("{\"check_timeline\":null}", diff.PatchBody);
            Assert.Equal(PatroniChangeKind.BootstrapOnly, byPath["bootstrap.initdb"].Kind);
            Assert.Equal(PatroniChangeKind.RestartRequired, byPath["postgresql.listen"].Kind);
            Assert.Equal(PatroniChangeKind.RestartRequired, byPath["postgresql.data_dir"].Kind);
            Assert.Equal(PatroniChangeKind.RestartRequired, byPath["postgresql.parameters.shared_buffers"].Kind);
            Assert.Equal(PatroniChangeKind.Local, byPath["postgresql.parameters.work_mem"].Kind);
            Assert.Equal(PatroniChangeKind.Local, byPath["postgresql.pg_hba"].Kind);
            Assert.Equal("[\"host all all 10.0.0.0/24 scram-sha-256\"]", byPath["postgresql.pg_hba"].NewValue);
            var secret = byPath["postgresql.authentication.superuser.password"];
            Assert.Equal((PatroniChangeKind.Local, "***", "***"), (secret.Kind, secret.OldValue, secret.NewValue));
            Assert.DoesNotContain(diff.Changes, c => (c.ToString() + c.OldValue + c.NewValue).Contains("secret"));
            Assert.Equal(8, diff.Changes.Count);
            Assert.True(diff.NeedsReload);
            Assert.True(diff.NeedsRestart);
        }

        [Fact]
        public void FirstInstallComparesAgainstNothing()
        {
            var diff = PatroniConfigDiff.Compare(string.Empty, PatroniConfigTests.Render());
            Assert.All(diff.Changes, c => Assert.Null(c.OldValue));
            Assert.Contains(diff.Changes, c => c.Path == "restapi.authentication.password" && c.NewValue == "***");
        }
    }
}
