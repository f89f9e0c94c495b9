using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Tls;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Steps;
using HaPg.Tests.Operations;
using HaPg.Tests.Steps;
using Xunit;

namespace HaPg.Tests.Components.Tls
{
    public class CertificateStepTests
    {
        private static readonly ClusterCa Ca = ClusterCa.Generate("demo", DateTimeOffset.UtcNow);

        private readonly HaPgInventory inventory;
        private readonly HaPgNode node;
        private readonly RecordingHost host;
        private readonly FakeFiles files;

        /// <summary>pg1..pg3 run PostgreSQL and etcd, lb1 HAProxy; the virtual IP 10.0.0.50. The step runs on pg1.</summary>
        public CertificateStepTests()
        {
            inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true);
            inventory.VirtualIP = "10.0.0.50/24";
            node = inventory.Nodes[0];
            host = new RecordingHost(node);
            files = new FakeFiles(host);
        }

        private Task<StepOutcome> Apply(TlsIdentity identity, ClusterCa? ca = null, bool renew = false, RecordingHost? on = null) =>
            new CertificateStep(ca ?? Ca, inventory, (on ?? host).Node, identity, renew).ApplyAsync(new StepContext(on ?? host, CancellationToken.None));

        private int Writes(RecordingHost? on = null) => (on ?? host).Texts.Count(t => t.StartsWith("set -e\ntarget=", StringComparison.Ordinal));

        /// <summary>The base64 body of a PEM block: what must never show in a command's text.</summary>
        private static string Body(string pem) =>
            string.Concat(pem.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)));

        [Fact]
        public async Task WithNothingDeployedItWritesTheCaTheKeyAndACertificateNamingTheNodeItsProxiesAndTheVirtualIP()
        {
            var outcome = await Apply(TlsIdentity.Postgres);

            Assert.True(outcome.Changed);
            Assert.Equal(("0644", "root", "root"), files.State(TlsIdentity.CaPath));
            Assert.Equal(Ca.CertificatePem, files[TlsIdentity.CaPath]);
            Assert.Equal(("0600", "postgres", "postgres"), files.State("/etc/hapg/tls/postgres.key"));
            Assert.Equal(("0644", "postgres", "postgres"), files.State("/etc/hapg/tls/postgres.crt"));

            var key = files["/etc/hapg/tls/postgres.key"]!;
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----", key);
            Assert.DoesNotContain(host.Texts, t => t.Contains(Body(key).Substring(0, 40)));
            Assert.Single(host.Commands, c => c.Stdin == key);

            var certificate = CertificateInfo.Parse(files["/etc/hapg/tls/postgres.crt"]!);
            Assert.True(Ca.IsIssuerOf(certificate));
            Assert.True(CertificatePolicy.KeyMatches(certificate, key));
            Assert.Equal("CN=pg1", certificate.Subject);
            Assert.Equal(new[] { "pg1", "lb1", "localhost" }, certificate.DnsNames);
            Assert.Equal(new[] { "10.0.0.11", "10.0.0.20", "10.0.0.50", "127.0.0.1" }, certificate.IpAddresses);
        }

        [Fact]
        public async Task ASecondRunWithTheSameFilesChangesAndWritesNothing()
        {
            await Apply(TlsIdentity.Postgres);
            var certificate = files["/etc/hapg/tls/postgres.crt"];
            host.Commands.Clear();

            var again = await Apply(TlsIdentity.Postgres);

            Assert.False(again.Changed);
            Assert.Equal(0, Writes());
            Assert.Equal(certificate, files["/etc/hapg/tls/postgres.crt"]);
        }

        [Fact]
        public async Task ACertificateOfAnotherCaIsIssuedAnew()
        {
            var other = ClusterCa.Generate("other", DateTimeOffset.UtcNow).Issue("pg1", "10.0.0.11", DateTimeOffset.UtcNow, TlsIdentity.Postgres.ExtraNames(inventory));
            files.Put(new DesiredFile("/etc/hapg/tls/postgres.key", other.PrivateKeyPem, "0600", "postgres", "postgres", containsSecrets: true))
                .Put(new DesiredFile("/etc/hapg/tls/postgres.crt", other.CertificatePem, "0644", "postgres", "postgres", containsSecrets: false));

            var outcome = await Apply(TlsIdentity.Postgres);

            Assert.True(outcome.Changed);
            Assert.Contains("not issued by the cluster CA", outcome.Message);
            var now = CertificateInfo.Parse(files["/etc/hapg/tls/postgres.crt"]!);
            Assert.True(Ca.IsIssuerOf(now));
            Assert.NotEqual(other.PrivateKeyPem, files["/etc/hapg/tls/postgres.key"]);
            Assert.True(CertificatePolicy.KeyMatches(now, files["/etc/hapg/tls/postgres.key"]!));
        }

        [Fact]
        public async Task WithoutTheCaKeyANodeWithoutACertificateFailsNamingItAndGetsNothingButTheCa()
        {
            var certificateOnly = ClusterCa.FromPem(Ca.CertificatePem, null);

            var error = await Assert.ThrowsAsync<HaPgRemoteException>(() => Apply(TlsIdentity.Postgres, certificateOnly));

            Assert.Equal(TlsErrorIds.CaKeyMissing, error.ErrorId);
            Assert.Equal("HaPg.Tls.CaKeyMissing", error.ErrorId);
            Assert.Equal("pg1", error.NodeName);
            Assert.Contains("pg1", error.Message);
            Assert.Equal(new[] { TlsIdentity.CaPath }, files.Paths);
        }

        [Fact]
        public async Task RenewIssuesANewCertificateEvenWhenTheDeployedOneMayStay()
        {
            await Apply(TlsIdentity.Postgres);
            var first = CertificateInfo.Parse(files["/etc/hapg/tls/postgres.crt"]!);
            var firstKey = files["/etc/hapg/tls/postgres.key"];

            var outcome = await Apply(TlsIdentity.Postgres, renew: true);

            Assert.True(outcome.Changed);
            Assert.Contains("rotation", outcome.Message);
            var second = CertificateInfo.Parse(files["/etc/hapg/tls/postgres.crt"]!);
            Assert.NotEqual(first.SerialHex, second.SerialHex);
            Assert.NotEqual(firstKey, files["/etc/hapg/tls/postgres.key"]);
            Assert.True(CertificatePolicy.KeyMatches(second, files["/etc/hapg/tls/postgres.key"]!));
        }

        [Fact]
        public async Task HaproxyGetsOneRootFileWithCertificateAndKeyThatARerunKeeps()
        {
            var lb = new RecordingHost(inventory.Nodes.Single(n => n.Name == "lb1"));
            var lbFiles = new FakeFiles(lb);

            var outcome = await Apply(TlsIdentity.Haproxy, on: lb);

            Assert.True(outcome.Changed);
            Assert.Equal(new[] { TlsIdentity.CaPath, "/etc/hapg/tls/haproxy.pem" }, lbFiles.Paths.OrderBy(p => p));
            Assert.Equal(("0600", "root", "root"), lbFiles.State("/etc/hapg/tls/haproxy.pem"));
            var combined = lbFiles["/etc/hapg/tls/haproxy.pem"]!;
            Assert.Contains("-----BEGIN PRIVATE KEY-----", combined);
            var certificate = CertificateInfo.Parse(combined);
            Assert.True(CertificatePolicy.KeyMatches(certificate, combined));
            Assert.Equal(new[] { "lb1", "localhost" }, certificate.DnsNames);
            Assert.Equal(new[] { "10.0.0.20", "127.0.0.1" }, certificate.IpAddresses);
            Assert.DoesNotContain(lb.Texts, t => t.Contains(Body(combined.Substring(combined.IndexOf("-----BEGIN PRIVATE KEY-----", StringComparison.Ordinal))).Substring(0, 40)));

            lb.Commands.Clear();
            var again = await Apply(TlsIdentity.Haproxy, on: lb);

            Assert.False(again.Changed);
            Assert.Equal(0, Writes(lb));
            Assert.Equal(combined, lbFiles["/etc/hapg/tls/haproxy.pem"]);
        }

        [Fact]
        public async Task AKeyReadableByOthersGetsItsModeBackAndKeepsItsCertificate()
        {
            await Apply(TlsIdentity.Postgres);
            var key = files["/etc/hapg/tls/postgres.key"]!;
            var certificate = files["/etc/hapg/tls/postgres.crt"]!;
            files.Put(new DesiredFile("/etc/hapg/tls/postgres.key", key, "0644", "postgres", "postgres", containsSecrets: false));
            host.Commands.Clear();

            var outcome = await Apply(TlsIdentity.Postgres);

            Assert.True(outcome.Changed);
            Assert.Equal("key mode put right", outcome.Message);
            Assert.Equal(1, Writes());
            Assert.Equal(("0600", "postgres", "postgres"), files.State("/etc/hapg/tls/postgres.key"));
            Assert.Equal(key, files["/etc/hapg/tls/postgres.key"]);
            Assert.Equal(certificate, files["/etc/hapg/tls/postgres.crt"]);
        }
    }
}
