using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HaPg.Components.Cluster;
using HaPg.Components.Postgres;
using HaPg.Components.Tls;
using HaPg.Inventory;
using Xunit;

namespace HaPg.Tests.Components.Cluster
{
    public class TlsChecksTests
    {
        private const string ClientNetwork = "192.168.50.0/24";
        private const string Refused = "HTTP/1.0 400 Bad Request  Client sent an HTTP request to an HTTPS server.";

        private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
        private static readonly ClusterCa Ca = ClusterCa.Generate("demo", Now.AddDays(-800));

        // pg1..pg3 run PostgreSQL and etcd, lb1 runs HAProxy; clients come from 192.168.50.0/24.
        private static readonly HaPgInventory Inventory = TestInventory.ThreeNodes(true, ClientNetwork);

        private static CertificateInfo Issued(string node, DateTimeOffset at) =>
            Ca.Issue(node, Inventory.Nodes.Single(n => n.Name == node).Address, at).Info;

        /// <summary>Every node as HaPg leaves it: plaintext refused, etcd and the REST API asking for credentials, its pg_hba, certificates for a year more.</summary>
        private static ClusterSnapshot Healthy()
        {
            var snapshot = new ClusterSnapshot();
            var hba = string.Join("\n", PgHba.Entries(Inventory, new PostgresUsers())) + "\n";
            foreach (var node in Inventory.Nodes)
            {
                var facts = new TlsFacts();
                foreach (var (service, _) in TlsProbe.ManagedPorts(Inventory, node))
                {
                    facts.Plaintext[service] = service == "postgresql"
                        ? $"psql: error: connection to server at \"{node.Address}\", port 5432 failed: FATAL:  pg_hba.conf rejects connection for host \"{node.Address}\", user \"hapg-check\", database \"postgres\", no encryption"
                        : service == "etcd-peer" || service == "haproxy-stats" ? string.Empty : Refused;
                }

                if (node.HasRole(HaPgRole.Etcd))
                {
                    facts.EtcdWithoutCertificate = "refused: remote error: tls: certificate required";
                    facts.EtcdWithCertificateServed = true;
                }

                if (node.HasRole(HaPgRole.Postgres))
                {
                    facts.RestApiUnauthenticated = "401";
                    snapshot.Nodes[node.Name] = new NodeFacts { PgHba = hba };
                }

                foreach (var path in TlsProbe.CertificatePaths(node))
                {
                    facts.Certificates[path] = path == TlsIdentity.CaPath ? Ca.Info : Issued(node.Name, Now.AddDays(-365));
                }

                snapshot.Tls[node.Name] = facts;
            }

            return snapshot;
        }

        private static IReadOnlyList<ClusterCheck> Evaluate(ClusterSnapshot snapshot) => TlsChecks.Evaluate(Inventory, snapshot, Now).ToList();

        private static string[] Failures(IEnumerable<ClusterCheck> checks) => checks.Where(c => !c.Passed).Select(c => $"{c.Name} {c.Node}").ToArray();

        private static ClusterCheck Single(IEnumerable<ClusterCheck> checks, string name, string node) =>
            Assert.Single(checks, c => c.Name == name && c.Node == node);

        [Fact]
        public void AClusterAsHaPgLeavesItPassesEveryCheckOnEveryNode()
        {
            var checks = Evaluate(Healthy());

            Assert.Empty(Failures(checks));
            Assert.DoesNotContain(checks, c => c.Warning);
            var expected = new[] { "pg1", "pg2", "pg3" }.SelectMany(n => new[]
                {
                    $"TlsOnly {n}", $"EtcdClientAuth {n}", $"RestApiAuth {n}", $"SuperuserNotFromClients {n}", $"CertificateExpiry {n}",
                })
                .Concat(new[] { "TlsOnly lb1", "CertificateExpiry lb1" });
            Assert.Equal(expected, checks.Select(c => $"{c.Name} {c.Node}"));
            Assert.All(checks, c => Assert.NotNull(Inventory.FindNode(c.Node)));
            Assert.Equal("plaintext refused on postgresql :5432, patroni :8008, etcd-client :2379, etcd-peer :2380", Single(checks, "TlsOnly", "pg1").Detail);
            Assert.Equal("pg_hba rejects the superuser from lb1, 192.168.50.0/24", Single(checks, "SuperuserNotFromClients", "pg2").Detail);
            Assert.StartsWith("PASS CertificateExpiry [lb1] 2 certificate(s)", Single(checks, "CertificateExpiry", "lb1").ToString());
        }

        [Fact]
        public void APortThatServesPlaintextFailsTlsOnlyOnItsNodeOnly()
        {
            var snapshot = Healthy();
            snapshot.Tls["pg2"].Plaintext["patroni"] = "HTTP/1.1 200 OK  Content-Type: application/json";

            var checks = Evaluate(snapshot);

            Assert.Equal(new[] { "TlsOnly pg2" }, Failures(checks));
            Assert.Equal("plaintext served on patroni :8008 ('HTTP/1.1 200 OK  Content-Type: application/json')", Single(checks, "TlsOnly", "pg2").Detail);
        }

        [Fact]
        public void APostgresThatLetsAPlaintextLoginTryFailsTlsOnly()
        {
            var snapshot = Healthy();
            snapshot.Tls["pg3"].Plaintext["postgresql"] = "psql: error: connection to server at \"10.0.0.13\", port 5432 failed: fe_sendauth: no password supplied";

            Assert.Equal(new[] { "TlsOnly pg3" }, Failures(Evaluate(snapshot)));
        }

        [Fact]
        public void EtcdServingAClientWithoutACertificateFailsEtcdClientAuth()
        {
            var snapshot = Healthy();
            snapshot.Tls["pg1"].EtcdWithoutCertificate = "served: https://10.0.0.11:2379 is healthy: successfully committed proposal: took = 2ms";

            var checks = Evaluate(snapshot);

            Assert.Equal(new[] { "EtcdClientAuth pg1" }, Failures(checks));
            Assert.Contains("served:", Single(checks, "EtcdClientAuth", "pg1").Detail);
        }

        [Fact]
        public void EtcdRefusingWithAndWithoutACertificateProvesNothingAndFails()
        {
            var snapshot = Healthy();
            snapshot.Tls["pg1"].EtcdWithoutCertificate = "refused: context deadline exceeded";
            snapshot.Tls["pg1"].EtcdWithCertificateServed = false;

            Assert.Equal(new[] { "EtcdClientAuth pg1" }, Failures(Evaluate(snapshot)));
        }

        [Fact]
        public void ARestApiThatAcceptsAnUnauthenticatedPostFailsRestApiAuth()
        {
            var snapshot = Healthy();
            snapshot.Tls["pg3"].RestApiUnauthenticated = "200";

            var checks = Evaluate(snapshot);

            Assert.Equal(new[] { "RestApiAuth pg3" }, Failures(checks));
            Assert.Equal("unauthenticated POST /restart: 200 (401 expected)", Single(checks, "RestApiAuth", "pg3").Detail);
        }

        [Fact]
        public void AnOldStylePgHbaThatAdmitsEveryoneFromTheClientNetworkFailsSuperuserNotFromClients()
        {
            var snapshot = Healthy();
            snapshot.Nodes["pg2"].PgHba = $"host all all {ClientNetwork} scram-sha-256\n" + snapshot.Nodes["pg2"].PgHba;

            var checks = Evaluate(snapshot);

            Assert.Equal(new[] { "SuperuserNotFromClients pg2" }, Failures(checks));
            Assert.Equal("pg_hba admits the superuser from 192.168.50.0/24", Single(checks, "SuperuserNotFromClients", "pg2").Detail);
        }

        [Fact]
        public void APgHbaNotReadFailsSuperuserNotFromClients()
        {
            var snapshot = Healthy();
            snapshot.Nodes.Remove("pg1");

            var checks = Evaluate(snapshot);

            Assert.Equal(new[] { "SuperuserNotFromClients pg1" }, Failures(checks));
            Assert.Equal("pg_hba.conf not read", Single(checks, "SuperuserNotFromClients", "pg1").Detail);
        }

        [Fact]
        public void ACertificateEndingWithinThirtyDaysPassesWithAWarning()
        {
            var snapshot = Healthy();
            var soon = Issued("lb1", Now.AddDays(10) - ClusterCa.NodeLifetime);
            snapshot.Tls["lb1"].Certificates[TlsIdentity.Haproxy.CertificatePath] = soon;

            var checks = Evaluate(snapshot);

            Assert.Empty(Failures(checks));
            var check = Single(checks, "CertificateExpiry", "lb1");
            Assert.True(check.Passed);
            Assert.True(check.Warning);
            Assert.StartsWith("WARN CertificateExpiry [lb1] /etc/hapg/tls/haproxy.pem expires " + soon.NotAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), check.ToString());
            Assert.Single(checks, c => c.Warning);
        }

        [Fact]
        public void AnExpiredCertificateFailsCertificateExpiry()
        {
            var snapshot = Healthy();
            var expired = Issued("pg2", Now.AddDays(-1) - ClusterCa.NodeLifetime);
            snapshot.Tls["pg2"].Certificates[TlsIdentity.Etcd.CertificatePath] = expired;

            var checks = Evaluate(snapshot);

            Assert.Equal(new[] { "CertificateExpiry pg2" }, Failures(checks));
            Assert.Contains("/etc/hapg/tls/etcd.crt expired " + expired.NotAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Single(checks, "CertificateExpiry", "pg2").Detail);
        }

        [Fact]
        public void ExpiryDatesAreGregorianWhateverTheSessionsCulture()
        {
            var snapshot = Healthy();
            var expired = Issued("pg2", Now.AddDays(-1) - ClusterCa.NodeLifetime);
            snapshot.Tls["pg2"].Certificates[TlsIdentity.Etcd.CertificatePath] = expired;
            snapshot.Tls["lb1"].Certificates[TlsIdentity.Haproxy.CertificatePath] = Issued("lb1", Now.AddDays(10) - ClusterCa.NodeLifetime);
            var culture = CultureInfo.CurrentCulture;
            IReadOnlyList<ClusterCheck> checks;
            CultureInfo.CurrentCulture = new CultureInfo("th-TH"); // Buddhist calendar: 2026 is 2569
            try
            {
                checks = Evaluate(snapshot);
            }
            finally
            {
                CultureInfo.CurrentCulture = culture;
            }

            Assert.Contains("/etc/hapg/tls/etcd.crt expired 2026-05-31", Single(checks, "CertificateExpiry", "pg2").Detail);
            Assert.StartsWith("/etc/hapg/tls/haproxy.pem expires 2026-06-11 ", Single(checks, "CertificateExpiry", "lb1").Detail);
            Assert.EndsWith("the first to expire on 2027-06-01", Single(checks, "CertificateExpiry", "pg1").Detail);
        }

        [Fact]
        public void AMissingOrUnreadableCertificateFailsCertificateExpiry()
        {
            var snapshot = Healthy();
            snapshot.Tls["pg1"].Certificates.Remove(TlsIdentity.Postgres.CertificatePath);
            snapshot.Tls["pg3"].Certificates[TlsIdentity.Etcd.CertificatePath] = null;

            var checks = Evaluate(snapshot);

            Assert.Equal(new[] { "CertificateExpiry pg1", "CertificateExpiry pg3" }, Failures(checks));
            Assert.Contains("/etc/hapg/tls/postgres.crt missing", Single(checks, "CertificateExpiry", "pg1").Detail);
            Assert.Contains("/etc/hapg/tls/etcd.crt (unreadable)", Single(checks, "CertificateExpiry", "pg3").Detail);
        }

        [Fact]
        public void ANodeWhoseTlsFactsWereNotReadFails()
        {
            var snapshot = Healthy();
            snapshot.Tls.Remove("pg3");

            var checks = Evaluate(snapshot);

            Assert.Equal(new[] { "TlsOnly pg3" }, Failures(checks));
            Assert.Equal("node could not be read", Single(checks, "TlsOnly", "pg3").Detail);
            Assert.All(checks, c => Assert.NotNull(Inventory.FindNode(c.Node)));
        }
    }
}
