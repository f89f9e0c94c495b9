using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using HaPg.Components.Common;
using HaPg.Components.Patroni;
using HaPg.Steps;
using HaPg.Components.Postgres;
using HaPg.Components.Tls;
using HaPg.Components.Platform;
using HaPg.Inventory;
using HaPg.Operations;
using HaPg.Results;
using HaPg.Tests.Components;
using Xunit;

namespace HaPg.Tests.Operations
{
    public class PatroniRolloutTests
    {
        private const string Debian12 = "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n--- apt\n" +
            "postgresql:\n  Installed: 15+248\n  Candidate: 15+248\npatroni:\n  Installed: 3.0.2-1\n  Candidate: 3.0.2-1\n";

        private readonly ConcurrentQueue<string> writes = new ConcurrentQueue<string>();
        private readonly Dictionary<string, FakeFiles> files = new Dictionary<string, FakeFiles>();

        /// <summary>GET /cluster as Patroni 4.0.7 answers it (recorded shape): the leader running, the replicas streaming.</summary>
        private static string Cluster(string leader) =>
            "{\"members\": [" + string.Join(", ", new[] { ("pg1", 11), ("pg2", 12), ("pg3", 13) }.Select(m => m.Item1 == leader
                ? $"{{\"name\": \"{m.Item1}\", \"role\": \"leader\", \"state\": \"running\", \"api_url\": \"http://10.0.0.{m.Item2}:8008/patroni\", " +
                  $"\"host\": \"10.0.0.{m.Item2}\", \"port\": 5432, \"timeline\": 13}}"
                : $"{{\"name\": \"{m.Item1}\", \"role\": \"replica\", \"state\": \"streaming\", \"api_url\": \"http://10.0.0.{m.Item2}:8008/patroni\", " +
                  $"\"host\": \"10.0.0.{m.Item2}\", \"port\": 5432, \"timeline\": 13, \"lag\": 0}}")) +
            "], \"scope\": \"demo\"}";

        /// <summary>Three database nodes on Debian 13 with PostgreSQL 15 installed and Patroni running, <paramref name="leader"/> leading.</summary>
        private OperationHarness Harness(string leader = "pg1", string platform = OperationHarness.Debian13)
        {
            var harness = new OperationHarness(TestInventory.ThreeNodes(), "Set-HaPgPatroniConfig");
            foreach (var host in harness.Hosts.Values)
            {
                files[host.Node.Name] = new FakeFiles(host, writes);
                host.On("os-release", 0, platform)
                    .On("^ls -d /usr/lib/postgresql/\\*/bin$", 0, "/usr/lib/postgresql/15/bin\n")
                    .On("8008/cluster'$", 0, "200\n" + Cluster(leader))
                    .On(" PATCH$", 0, "{}")
                    .On("pg_stat_wal_receiver", 0, host.Node.Name == leader ? string.Empty : "streaming\n")
                    .Unit(PatroniService.UnitName, "enabled", "active");
            }

            return harness;
        }

        private static PatroniRolloutOptions Options(PatroniSettings? settings = null) =>
            new PatroniRolloutOptions { Settings = settings ?? new PatroniSettings(), Timeout = TimeSpan.FromSeconds(10) };

        /// <summary>Every member already runs the config these settings render, with the inventory's passwords.</summary>
        private void Deploy(OperationHarness harness, PatroniSettings settings)
        {
            var inventory = harness.Inventory;
            SecretGenerator.FillMissing(inventory.Secrets);
            var passwords = PatroniSteps.PasswordsFrom(inventory.Secrets);
            var ca = ClusterCa.Generate(inventory.ClusterName, DateTimeOffset.UtcNow);
            var application = inventory.Secrets.ApplicationPassword!.ToPlainText();
            foreach (var node in inventory.Nodes)
            {
                var tls = TlsIdentity.Postgres;
                var issued = ca.Issue(node.Name, node.Address, DateTimeOffset.UtcNow, tls.ExtraNames(inventory));
                files[node.Name].Put(PatroniConfig.Render(inventory, node, 15, settings, passwords))
                    .Put(PatroniService.RenderUnit(node.HasRole(HaPgRole.Etcd)))
                    .Put(ApplicationRole.SecretFile(application))
                    .Put(new DesiredFile(TlsIdentity.CaPath, ca.CertificatePem, "0644", "root", "root", false))
                    .Put(new DesiredFile(tls.KeyPath, issued.PrivateKeyPem, "0600", "postgres", "postgres", true))
                    .Put(new DesiredFile(tls.CertificatePath, issued.CertificatePem, "0644", "postgres", "postgres", false));
                harness.Hosts[node.Name].On("from pg_authid", 0, ScramVerifier.Create(application) + "|1|f\n");
            }
        }

        private int FirstWrite(string node) => writes.ToList().FindIndex(w => w == node + " " + PatroniConfig.FilePath);

        private static IEnumerable<string> Patches(OperationHarness harness, string node) =>
            harness.Hosts[node].Texts.Where(t => t.EndsWith(" PATCH", StringComparison.Ordinal));

        [Fact]
        public void ANewClusterIsConfiguredLeaderFirstAndEachReplicaIsAwaitedUntilItStreams()
        {
            using var harness = Harness("pg1");

            var results = new PatroniRollout(harness.Context, Options()).Run(harness.Inventory.Nodes);

            Assert.Equal(new[] { "pg1", "pg2", "pg3" }, results.Select(r => r.Node).Take(1).Concat(results.Skip(1).Select(r => r.Node).OrderBy(n => n)));
            Assert.All(new[] { "pg2", "pg3" }, replica => Assert.True(FirstWrite("pg1") >= 0 && FirstWrite("pg1") < FirstWrite(replica)));
            // The replicas' configs are written only after the leader's was and Patroni there answered as the leader.
            Assert.Contains(harness.Hosts["pg1"].Texts, t => t.EndsWith("8008/cluster'", StringComparison.Ordinal));
            Assert.All(new[] { "pg2", "pg3" }, replica => Assert.Contains(harness.Hosts[replica].Texts, t => t.Contains("pg_stat_wal_receiver")));
            Assert.DoesNotContain(harness.Hosts["pg1"].Texts, t => t.Contains("pg_stat_wal_receiver"));
            var leader = Assert.IsType<HaPgPatroniConfigResult>(results[0]);
            Assert.Equal(("leader", "running", true, "Set-HaPgPatroniConfig"), (leader.ClusterRole, leader.State, leader.Changed, leader.Step));
            Assert.All(results.Skip(1).Cast<HaPgPatroniConfigResult>(), r => Assert.Equal(("replica", "streaming", 0L), (r.ClusterRole, r.State!, r.LagBytes!.Value)));
            Assert.All(harness.Hosts.Keys, node => Assert.Empty(Patches(harness, node)));
            Assert.Empty(harness.Sink.Errors);
            Assert.NotNull(harness.Inventory.Secrets.RestApiPassword);
        }

        [Fact]
        public void TheCurrentLeaderIsConfiguredFirstNotTheInventorysFirstNode()
        {
            using var harness = Harness("pg3");
            Deploy(harness, new PatroniSettings());

            var results = new PatroniRollout(harness.Context, Options(new PatroniSettings { MaxConnections = 200 })).Run(harness.Inventory.Nodes);

            Assert.Equal("pg3", results[0].Node);
            Assert.All(new[] { "pg1", "pg2" }, replica => Assert.True(FirstWrite("pg3") >= 0 && FirstWrite("pg3") < FirstWrite(replica)));
        }

        [Fact]
        public void ARerunWithTheSameConfigChangesNothingAndSendsNoPatch()
        {
            using var harness = Harness("pg2");
            Deploy(harness, new PatroniSettings());
            var secrets = HaPgSecrets.Fields.Select(f => f.Get(harness.Inventory.Secrets)!.ToPlainText()).ToList();
            harness.Inventory.Secrets = new HaPgSecrets(); // an inventory without its secrets file: the cluster's are taken

            var results = new PatroniRollout(harness.Context, Options()).Run(harness.Inventory.Nodes).Cast<HaPgPatroniConfigResult>().ToList();

            Assert.Equal(3, results.Count);
            Assert.All(results, r => Assert.False(r.Changed, string.Join("; ", r.Messages)));
            Assert.All(results, r => Assert.Empty(r.ConfigChanges));
            Assert.Empty(writes);
            Assert.All(harness.Hosts.Keys, node => Assert.Empty(Patches(harness, node)));
            Assert.Equal(secrets.Take(4), HaPgSecrets.Fields.Take(4).Select(f => f.Get(harness.Inventory.Secrets)!.ToPlainText()));
            Assert.Empty(harness.Sink.Errors);
        }

        [Fact]
        public void ADynamicChangeSendsOnePatchToTheLeaderOnly()
        {
            using var harness = Harness("pg2");
            Deploy(harness, new PatroniSettings());

            var results = new PatroniRollout(harness.Context, Options(new PatroniSettings { Timing = PatroniTimingProfile.Recipe })).Run(harness.Inventory.Nodes)
                .Cast<HaPgPatroniConfigResult>().ToList();

            var patch = Assert.Single(Patches(harness, "pg2"));
            Assert.Contains("https://10.0.0.12:8008/config", patch);
            var sent = harness.Hosts["pg2"].Commands.Single(c => c.Text == patch);
            Assert.Contains("\"ttl\":30", sent.Stdin!.Replace(" ", string.Empty));
            Assert.Empty(Patches(harness, "pg1"));
            Assert.Empty(Patches(harness, "pg3"));
            Assert.Equal("pg2", results[0].Node);
            Assert.All(results, r => Assert.Contains(r.ConfigChanges, c => c.StartsWith("Dynamic bootstrap.dcs.ttl: 20 -> 30", StringComparison.Ordinal)));
            Assert.All(results, r => Assert.True(r.Changed));
            Assert.All(results, r => Assert.False(r.PendingRestart));
        }

        [Fact]
        public void AChangeThatNeedsARestartIsReportedPendingNotForced()
        {
            using var harness = Harness("pg1");
            Deploy(harness, new PatroniSettings());

            var results = new PatroniRollout(harness.Context, Options(new PatroniSettings { MaxConnections = 200 })).Run(harness.Inventory.Nodes)
                .Cast<HaPgPatroniConfigResult>().ToList();

            Assert.All(results, r => Assert.True(r.PendingRestart));
            Assert.All(results, r => Assert.Contains(r.Messages, m => m.StartsWith("a change needs a PostgreSQL restart: pending, not forced", StringComparison.Ordinal)));
            Assert.All(harness.Hosts.Values, h => Assert.DoesNotContain(h.Texts, t => t.Contains("systemctl restart")));
        }

        [Fact]
        public void UnderWhatIfShowsEachNodesFilesAndCommandsAndTouchesNothing()
        {
            using var harness = Harness();
            harness.Sink.IsWhatIf = true;

            var ran = new PatroniRollout(harness.Context, Options()).Run(harness.Inventory.Nodes);

            Assert.Empty(ran);
            Assert.All(harness.Hosts.Values, h => Assert.Empty(h.Commands));
            Assert.Equal(new[] { "pg1 (10.0.0.11)", "pg2 (10.0.0.12)", "pg3 (10.0.0.13)" }, harness.Sink.Asked.Select(a => a.Target));
            Assert.All(harness.Sink.Asked, a => Assert.StartsWith(PatroniRollout.Activity, a.Action, StringComparison.Ordinal));
            Assert.All(harness.Sink.Asked, a => Assert.Contains("file:  /etc/patroni/config.yml (mode 0600, postgres:postgres, content holds secrets, not shown)", a.Action));
            Assert.All(harness.Sink.Asked, a => Assert.Contains("systemctl reload patroni.service", a.Action));
            var results = harness.Sink.Results<HaPgPatroniConfigResult>().ToList();
            Assert.Equal(3, results.Count);
            Assert.All(results, r => Assert.Equal(HaPgStatus.WhatIf, r.Status));
        }

        [Fact]
        public void APatroniWithKnownDataLossIsRefusedBeforeAnythingChangesUnlessAllowed()
        {
            using var refused = Harness(platform: Debian12);

            var error = Assert.Throws<HaPgValidationException>(() => new PatroniRollout(refused.Context, Options()).Run(refused.Inventory.Nodes));

            Assert.Equal((PlatformSupport.KnownDataLossId, "pg1,pg2,pg3"), (error.Issue.Id, error.Issue.Target));
            Assert.All(refused.Hosts.Values, h => Assert.Contains("os-release", Assert.Single(h.Texts)));

            using var allowed = Harness(platform: Debian12);
            var options = Options();
            options.AllowKnownDataLoss = true;
            new PatroniRollout(allowed.Context, options).Run(allowed.Inventory.Nodes);

            var warning = Assert.Single(allowed.Sink.Warnings, w => w.Contains("patroni/patroni#2689"));
            Assert.EndsWith("Going on because of -AllowKnownDataLoss.", warning, StringComparison.Ordinal);
            Assert.Equal(3, allowed.Sink.Results<HaPgPatroniConfigResult>().Count());
        }

        [Fact]
        public void ANodeThatCannotBeReadStopsTheRolloutBeforeAnyChange()
        {
            using var harness = Harness();
            var broken = new Steps.RecordingHost(harness.Hosts["pg2"].Node);
            broken.On("os-release", 0, OperationHarness.Debian13).On("^ls -d", 2, stderr: "No such file or directory");
            harness.Hosts["pg2"] = broken;

            var results = new PatroniRollout(harness.Context, Options()).Run(harness.Inventory.Nodes);

            Assert.Empty(results);
            Assert.Equal("HaPg.Postgres.NotInstalled", Assert.Single(harness.Sink.Errors).FullyQualifiedErrorId);
            Assert.Empty(writes);
        }
    }
}
