using System;
using System.Linq;
using HaPg.Components.Tls;
using HaPg.Inventory;
using Xunit;
using static HaPg.Tests.Components.Tls.TlsAssert;

namespace HaPg.Tests.Components.Tls
{
    public class TlsProbeTests
    {
        /// <summary>pg1 runs PostgreSQL and etcd, et1 only etcd, lb1 only HAProxy; every port moved off its default.</summary>
        private static HaPgInventory Inventory()
        {
            var inventory = new HaPgInventory
            {
                ClusterName = "demo",
                PostgresVersion = 17,
                Nodes =
                {
                    new HaPgNode { Name = "pg1", Address = "10.0.0.11", Roles = HaPgRole.Postgres | HaPgRole.Etcd },
                    new HaPgNode { Name = "et1", Address = "10.0.0.31", Roles = HaPgRole.Etcd },
                    new HaPgNode { Name = "lb1", Address = "10.0.0.20", Roles = HaPgRole.Haproxy },
                },
            };
            inventory.Ports.Postgres = 5433;
            inventory.Ports.PatroniRest = 8009;
            inventory.Ports.EtcdClient = 2389;
            inventory.Ports.EtcdPeer = 2390;
            inventory.Ports.HaproxyStats = 7001;
            return inventory;
        }

        private static string Command(string node)
        {
            var inventory = Inventory();
            return TlsProbe.Command(inventory, inventory.Nodes.Single(n => n.Name == node));
        }

        /// <summary>
        /// No line reads a key: a key path only as etcdctl's --key (etcdctl uses it, nothing prints it), and the combined HAProxy
        /// file only through the certificate range.
        /// </summary>
        private static void ReadsNoKey(string command)
        {
            Assert.DoesNotContain(TlsIdentity.Postgres.KeyPath, command);
            Assert.DoesNotContain(TlsIdentity.Etcd.KeyPath, command.Replace("--key=" + TlsIdentity.Etcd.KeyPath + " endpoint health >/dev/null 2>&1", string.Empty));
            Assert.DoesNotContain("cat ", command);
            Assert.All(command.Split('\n').Where(l => l.Contains("sed ")),
                l => Assert.Contains("sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' ", l));
        }

        [Fact]
        public void ADatabaseNodeIsProbedOnItsOwnAddressOnEveryPortItServes()
        {
            var command = Command("pg1");

            Assert.Contains("plain patroni 10.0.0.11 8009\n", command);
            Assert.Contains("plain etcd-client 10.0.0.11 2389\n", command);
            Assert.Contains("plain etcd-peer 10.0.0.11 2390\n", command);
            Assert.DoesNotContain("haproxy-stats", command);
            Assert.Contains("'host=10.0.0.11 port=5433 dbname=postgres user=hapg-check sslmode=disable'", command);
            Assert.Contains("https://10.0.0.11:8009/restart", command);
            Assert.Contains(TlsProbe.RestartProbeBody, command);
            Assert.Contains("etcdctl --endpoints=https://10.0.0.11:2389 --cacert=/etc/hapg/tls/ca.crt --dial-timeout=3s --command-timeout=3s endpoint health 2>&1", command);
            Assert.Contains("--cert=/etc/hapg/tls/etcd.crt --key=/etc/hapg/tls/etcd.key endpoint health >/dev/null 2>&1; echo \"withcert $?\"", command);
            Assert.Contains("if [ -f /etc/hapg/tls/ca.crt ]", command);
            Assert.Contains("if [ -f /etc/hapg/tls/postgres.crt ]", command);
            Assert.Contains("if [ -f /etc/hapg/tls/etcd.crt ]", command);
            Assert.DoesNotContain("haproxy.pem", command);
            Assert.DoesNotContain("10.0.0.20", command);
            ReadsNoKey(command);
        }

        [Fact]
        public void AnEtcdOnlyNodeGetsTheEtcdProbesOnly()
        {
            var command = Command("et1");

            Assert.Contains("plain etcd-client 10.0.0.31 2389\n", command);
            Assert.Contains("plain etcd-peer 10.0.0.31 2390\n", command);
            Assert.Contains("etcdctl --endpoints=https://10.0.0.31:2389 ", command);
            Assert.DoesNotContain("psql", command);
            Assert.DoesNotContain("restapi", command);
            Assert.DoesNotContain("8009", command);
            Assert.DoesNotContain("postgres.crt", command);
            Assert.Contains("if [ -f /etc/hapg/tls/etcd.crt ]", command);
            ReadsNoKey(command);
        }

        [Fact]
        public void AnHaproxyNodeGetsItsStatsPortAndTheCertificateHalfOfItsCombinedFile()
        {
            var command = Command("lb1");

            Assert.Contains("plain haproxy-stats 10.0.0.20 7001\n", command);
            Assert.DoesNotContain("etcdctl", command);
            Assert.DoesNotContain("psql", command);
            Assert.Contains("sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' /etc/hapg/tls/haproxy.pem", command);
            ReadsNoKey(command);
        }

        [Fact]
        public void ParseReadsEachAnswerAndEachCertificateSection()
        {
            var ca = ClusterCa.Generate("demo", Now);
            var leaf = ca.Issue("pg1", "10.0.0.11", Now);
            var output =
                "plain patroni HTTP/1.0 400 Bad Request  Client sent an HTTP request to an HTTPS server. \n" +
                "plain etcd-client HTTP/1.0 400 Bad Request  Client sent an HTTP request to an HTTPS server. \n" +
                "plain etcd-peer \n" +
                "plain postgresql psql: error: connection to server at \"10.0.0.11\", port 5432 failed: FATAL:  pg_hba.conf rejects connection for host \"10.0.0.11\", user \"hapg-check\", database \"postgres\", no encryption\n" +
                "restapi 401\n" +
                "nocert 1 remote error: tls: certificate required\n" +
                "withcert 0\n" +
                "--hapg-tls-- /etc/hapg/tls/ca.crt\n" + ca.CertificatePem +
                "--hapg-tls-- /etc/hapg/tls/postgres.crt\n" + leaf.CertificatePem +
                "--hapg-tls-- /etc/hapg/tls/etcd.crt\n";

            var facts = TlsProbe.Parse(output);

            Assert.Equal(new[] { "etcd-client", "etcd-peer", "patroni", "postgresql" }, facts.Plaintext.Keys.OrderBy(k => k, StringComparer.Ordinal));
            Assert.Equal("HTTP/1.0 400 Bad Request  Client sent an HTTP request to an HTTPS server.", facts.Plaintext["patroni"]);
            Assert.Equal(string.Empty, facts.Plaintext["etcd-peer"]);
            Assert.EndsWith("database \"postgres\", no encryption", facts.Plaintext["postgresql"]);
            Assert.Equal("401", facts.RestApiUnauthenticated);
            Assert.Equal("refused: remote error: tls: certificate required", facts.EtcdWithoutCertificate);
            Assert.True(facts.EtcdWithCertificateServed);
            Assert.Equal(3, facts.Certificates.Count);
            Assert.Equal(ca.Sha256Fingerprint, facts.Certificates["/etc/hapg/tls/ca.crt"]!.Sha256Fingerprint);
            Assert.Equal(leaf.Info.SerialHex, facts.Certificates["/etc/hapg/tls/postgres.crt"]!.SerialHex);
            Assert.Null(facts.Certificates["/etc/hapg/tls/etcd.crt"]);
        }

        [Fact]
        public void ParseTellsAServedEtcdFromARefusedOne()
        {
            var facts = TlsProbe.Parse("nocert 0 https://10.0.0.11:2379 is healthy: successfully committed proposal: took = 2ms\n");

            Assert.Equal("served: https://10.0.0.11:2379 is healthy: successfully committed proposal: took = 2ms", facts.EtcdWithoutCertificate);
            Assert.Null(facts.RestApiUnauthenticated);
            Assert.Empty(facts.Certificates);
        }

        [Theory]
        [InlineData("etcd-client", "HTTP/1.0 400 Bad Request  Client sent an HTTP request to an HTTPS server.", false)]
        [InlineData("patroni", "HTTP/1.0 400 Bad Request Client sent an HTTP request to an HTTPS server.", false)]
        [InlineData("patroni", "HTTP/1.1 200 OK  Content-Type: application/json", true)]
        [InlineData("haproxy-stats", "HTTP/1.1 401 Unauthorized  content-length: 112", true)]
        [InlineData("etcd-peer", "", false)]
        [InlineData("postgresql", "psql: error: connection to server at \"10.0.0.11\", port 5432 failed: FATAL:  pg_hba.conf rejects connection for host \"10.0.0.11\", user \"hapg-check\", database \"postgres\", no encryption", false)]
        [InlineData("postgresql", "FATAL:  pg_hba.conf rejects connection for host \"10.0.0.11\", user \"hapg-check\", database \"postgres\", no encryption", false)]
        [InlineData("postgresql", "psql: error: connection to server at \"10.0.0.11\", port 5432 failed: fe_sendauth: no password supplied", true)]
        [InlineData("postgresql", "fe_sendauth: no password supplied", true)]
        [InlineData("postgresql", "psql: error: connection to server at \"10.0.0.11\", port 5432 failed: Connection refused", false)]
        [InlineData("postgresql", "", false)]
        public void ServedPlaintextTellsARefusalFromAnAnswer(string service, string answer, bool served)
        {
            Assert.Equal(served, TlsProbe.ServedPlaintext(service, answer));
        }
    }
}
