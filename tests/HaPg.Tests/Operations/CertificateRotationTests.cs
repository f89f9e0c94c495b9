using System;
using System.Collections.Generic;
using System.Linq;
using HaPg.Components.Patroni;
using HaPg.Components.Tls;
using HaPg.Inventory;
using HaPg.Operations;
using HaPg.Results;
using HaPg.Steps;
using HaPg.Tests.Components;
using Xunit;

namespace HaPg.Tests.Operations
{
    public class CertificateRotationTests
    {
        private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

        /// <summary>Acknowledged writes, each 10 ms long, ending at these milliseconds after T0.</summary>
        private static List<WriteAttempt> Acknowledged(IEnumerable<int> milliseconds) =>
            milliseconds.Select((ms, i) => new WriteAttempt(i + 1, T0.AddMilliseconds(ms - 10), T0.AddMilliseconds(ms), WriteOutcome.Acknowledged)).ToList();

        /// <summary>A write every 100 ms from 100 ms to <paramref name="until"/> ms, except none strictly between gapFrom and gapTo.</summary>
        private static List<WriteAttempt> EveryTenthOfASecond(int until, int gapFrom, int gapTo) =>
            Acknowledged(Enumerable.Range(1, until / 100).Select(i => i * 100).Where(ms => ms <= gapFrom || ms >= gapTo));

        [Fact]
        public void LongestGapFindsTheStallInsideTheWindow()
        {
            var attempts = EveryTenthOfASecond(10_000, gapFrom: 5_000, gapTo: 7_500);
            attempts.Add(new WriteAttempt(999, T0.AddSeconds(5.5), T0.AddSeconds(6.5), WriteOutcome.Failed, "connection refused"));

            var gap = CertificateRotation.LongestGap(attempts, T0.AddSeconds(4), T0.AddSeconds(8));

            Assert.Equal(TimeSpan.FromSeconds(2.5), gap);
        }

        [Fact]
        public void LongestGapIgnoresAStallThatEndedBeforeTheWindow()
        {
            var attempts = EveryTenthOfASecond(10_000, gapFrom: 1_000, gapTo: 3_500);

            var gap = CertificateRotation.LongestGap(attempts, T0.AddSeconds(5), T0.AddSeconds(8));

            Assert.Equal(TimeSpan.FromMilliseconds(100), gap);
            Assert.Equal(TimeSpan.FromSeconds(2.5), CertificateRotation.LongestGap(attempts, T0, T0.AddSeconds(8)));
        }

        [Fact]
        public void LongestGapCountsAStallThatLastsUntilTheWriterStops()
        {
            // Acknowledged until 5 s, then only failed attempts until the writer stops at 10 s: the node's window [6 s, 8 s] saw no write.
            var attempts = EveryTenthOfASecond(5_000, gapFrom: 5_000, gapTo: 5_000);
            attempts.AddRange(Enumerable.Range(0, 5).Select(i =>
                new WriteAttempt(100 + i, T0.AddSeconds(5 + i), T0.AddSeconds(6 + i), WriteOutcome.Failed, "connection refused")));

            var gap = CertificateRotation.LongestGap(attempts, T0.AddSeconds(6), T0.AddSeconds(8));

            Assert.Equal(TimeSpan.FromSeconds(5), gap);
        }

        [Fact]
        public void LongestGapWithoutAttemptsIsNotMeasured()
        {
            Assert.Null(CertificateRotation.LongestGap(new List<WriteAttempt>(), T0, T0.AddSeconds(8)));
        }

        [Fact]
        public void ADatabaseNodesPlanRenewsEtcdsAndPostgresCertificatesAndReloadsPatroniOnly()
        {
            var inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true);
            var ca = ClusterCa.Generate("demo", DateTimeOffset.UtcNow);

            var plan = CertificateRotation.Plan(inventory, inventory.Nodes[0], ca);

            Assert.Equal(new[] { "certificate /etc/hapg/tls/etcd.crt", "certificate /etc/hapg/tls/postgres.crt", "reload " + PatroniService.UnitName },
                plan.Steps.Select(s => s.Name));
            var certificates = plan.Steps.OfType<CertificateStep>().ToList();
            Assert.Equal(new[] { TlsIdentity.Etcd, TlsIdentity.Postgres }, certificates.Select(c => c.Identity));
            Assert.All(certificates, c => Assert.Contains(c.Describe(), l => l.StartsWith("issue: a new key and certificate for " + c.Identity.CertificatePath, StringComparison.Ordinal)));
            var patroni = Assert.Single(plan.Steps.OfType<ServiceStep>());
            Assert.True(patroni.ReloadInsteadOfRestart);
            Assert.Equal(new[] { "certificate /etc/hapg/tls/postgres.crt" }, patroni.RestartWhenChanged);
            Assert.DoesNotContain(plan.Steps, s => s.Name.Contains("etcd") && !(s is CertificateStep));
        }

        [Fact]
        public void AnHaproxyNodesPlanRenewsItsCombinedFileAndReloadsHaproxy()
        {
            var inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true);

            var plan = CertificateRotation.Plan(inventory, inventory.Nodes.Single(n => n.Name == "lb1"), ClusterCa.Generate("demo", DateTimeOffset.UtcNow));

            Assert.Equal(new[] { "certificate /etc/hapg/tls/haproxy.pem", "reload haproxy" }, plan.Steps.Select(s => s.Name));
            var certificate = Assert.Single(plan.Steps.OfType<CertificateStep>());
            Assert.Contains(certificate.Describe(), l => l.StartsWith("issue: a new key and certificate for /etc/hapg/tls/haproxy.pem", StringComparison.Ordinal));
            var haproxy = Assert.Single(plan.Steps.OfType<ServiceStep>());
            Assert.Equal(("haproxy", true), (haproxy.Unit, haproxy.ReloadInsteadOfRestart));
            Assert.Equal(new[] { certificate.Name }, haproxy.RestartWhenChanged);
        }

        [Fact]
        public void UnderWhatIfEachNodeGetsAWhatIfResultAndNothingIsSent()
        {
            var inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true);
            var ca = ClusterCa.Generate("demo", DateTimeOffset.UtcNow);
            inventory.Secrets.CaCertificatePem = ca.CertificatePem;
            inventory.Secrets.CaPrivateKey = ca.PrivateKeyPem!.ToSecureString();
            using var harness = new OperationHarness(inventory, "Update-HaPgCertificate");
            harness.Sink.IsWhatIf = true;

            var ran = new CertificateRotation(harness.Context, TimeSpan.FromSeconds(5), measureWrites: true).Run(inventory.Nodes);

            Assert.Empty(ran);
            Assert.Equal(new[] { "pg1 (10.0.0.11)", "pg2 (10.0.0.12)", "pg3 (10.0.0.13)", "lb1 (10.0.0.20)" }, harness.Sink.Asked.Select(a => a.Target));
            Assert.All(harness.Hosts.Values, h => Assert.Empty(h.Commands));
            var results = harness.Sink.Results<HaPgCertificateResult>().ToList();
            Assert.Equal(new[] { "pg1", "pg2", "pg3", "lb1" }, results.Select(r => r.Node));
            Assert.All(results, r => Assert.Equal((HaPgStatus.WhatIf, false, "Update-HaPgCertificate"), (r.Status, r.Changed, r.Step)));
            Assert.All(results, r => Assert.Contains(r.Messages, m => m.Contains(ca.Sha256Fingerprint)));
            Assert.Contains("[certificate /etc/hapg/tls/postgres.crt] issue: a new key and certificate for /etc/hapg/tls/postgres.crt", results[0].Messages.Select(m => m.Split(',')[0]));
            Assert.Contains("[certificate /etc/hapg/tls/haproxy.pem] issue: a new key and certificate for /etc/hapg/tls/haproxy.pem", results[3].Messages.Select(m => m.Split(',')[0]));
        }

        [Fact]
        public void NotApprovedOnlyReadsAndWritesNoFile()
        {
            var inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true);
            using var harness = new OperationHarness(inventory, "Update-HaPgCertificate");
            var files = harness.Hosts.Values.Select(h => new FakeFiles(h)).ToList();
            harness.Sink.Approve = false;

            var ran = new CertificateRotation(harness.Context, TimeSpan.FromSeconds(5), measureWrites: true).Run(inventory.Nodes);

            Assert.Empty(ran);
            Assert.Equal(4, harness.Sink.Results<HaPgCertificateResult>().Count(r => r.Status == HaPgStatus.WhatIf));
            var reads = new[] { "f='/etc/patroni/application.secret'", "f='/etc/hapg/tls/ca.crt'" };
            Assert.All(harness.Hosts.Values, h => Assert.All(h.Texts, t =>
            {
                Assert.Contains(reads, r => t.StartsWith(r, StringComparison.Ordinal));
                Assert.Contains("; cat -- ", t);
            }));
            Assert.All(files, f => Assert.Empty(f.Paths));
            Assert.Empty(harness.Sink.Errors);
        }
    }
}
