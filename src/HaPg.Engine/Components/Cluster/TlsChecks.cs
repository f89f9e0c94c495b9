using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using HaPg.Components.Common;
using HaPg.Components.Postgres;
using HaPg.Components.Tls;
using HaPg.Inventory;

namespace HaPg.Components.Cluster
{
    /// <summary>Test-HaPgCluster's TLS and authentication checks, each naming its node.</summary>
    public static class TlsChecks
    {
        public const string TlsOnly = "TlsOnly";
        public const string EtcdClientAuth = "EtcdClientAuth";
        public const string RestApiAuth = "RestApiAuth";
        public const string SuperuserNotFromClients = "SuperuserNotFromClients";
        public const string CertificateExpiry = "CertificateExpiry";

        public static IEnumerable<ClusterCheck> Evaluate(HaPgInventory inventory, ClusterSnapshot snapshot, DateTimeOffset now)
        {
            foreach (var node in inventory.Nodes)
            {
                if (!snapshot.Tls.TryGetValue(node.Name, out var facts))
                {
                    yield return new ClusterCheck(TlsOnly, node.Name, false, "node could not be read");
                    continue;
                }

                var served = TlsProbe.ManagedPorts(inventory, node)
                    .Where(p => facts.Plaintext.TryGetValue(p.Service, out var answer) && TlsProbe.ServedPlaintext(p.Service, answer))
                    .Select(p => $"{p.Service} :{p.Port} ('{facts.Plaintext[p.Service]}')").ToList();
                var probed = TlsProbe.ManagedPorts(inventory, node).Where(p => facts.Plaintext.ContainsKey(p.Service)).ToList();
                yield return new ClusterCheck(TlsOnly, node.Name, served.Count == 0 && probed.Count > 0,
                    served.Count > 0 ? "plaintext served on " + string.Join(", ", served)
                        : "plaintext refused on " + string.Join(", ", probed.Select(p => $"{p.Service} :{p.Port}")));

                if (node.HasRole(HaPgRole.Etcd))
                {
                    var answer = facts.EtcdWithoutCertificate ?? "no answer";
                    var refused = answer.StartsWith("refused:", StringComparison.Ordinal);
                    yield return new ClusterCheck(EtcdClientAuth, node.Name, refused && facts.EtcdWithCertificateServed == true,
                        "without a client certificate: " + answer + (facts.EtcdWithCertificateServed == true
                            ? "; with the node's: served"
                            : "; with the node's: not served either, so the refusal proves nothing"));
                }

                if (node.HasRole(HaPgRole.Postgres))
                {
                    var status = facts.RestApiUnauthenticated ?? "no answer";
                    yield return new ClusterCheck(RestApiAuth, node.Name, status == "401", $"unauthenticated POST /restart: {status} (401 expected)");

                    var admitted = SuperuserSources(inventory)
                        .Where(s => snapshot.Nodes.TryGetValue(node.Name, out var pg) &&
                                    (!PgHbaMatcher.Refuses(PgHbaMatcher.FirstMatch(pg.PgHba, s.Address, "postgres", "postgres", ssl: true)) ||
                                     !PgHbaMatcher.Refuses(PgHbaMatcher.FirstMatch(pg.PgHba, s.Address, "postgres", "postgres", ssl: false))))
                        .Select(s => s.Name).ToList();
                    var read = snapshot.Nodes.TryGetValue(node.Name, out var hba) && hba.PgHba.Length > 0;
                    yield return new ClusterCheck(SuperuserNotFromClients, node.Name, read && admitted.Count == 0,
                        !read ? "pg_hba.conf not read" : admitted.Count == 0
                            ? "pg_hba rejects the superuser from " + string.Join(", ", SuperuserSources(inventory).Select(s => s.Name))
                            : "pg_hba admits the superuser from " + string.Join(", ", admitted));
                }

                var certificates = facts.Certificates;
                var expired = certificates.Where(c => c.Value is null || c.Value.NotAfter <= now).Select(c => c.Key + (c.Value is null ? " (unreadable)" : " expired " + Day(c.Value.NotAfter))).ToList();
                var soon = certificates.Where(c => c.Value is not null && c.Value.NotAfter > now && c.Value.NotAfter - now < CertificatePolicy.RenewBefore)
                    .Select(c => $"{c.Key} expires {Day(c.Value!.NotAfter)}").ToList();
                var missing = TlsProbe.CertificatePaths(node).Where(p => !certificates.ContainsKey(p)).ToList();
                var first = certificates.Values.Where(c => c is not null).Select(c => c!.NotAfter).DefaultIfEmpty().Min();
                yield return new ClusterCheck(CertificateExpiry, node.Name, expired.Count == 0 && missing.Count == 0,
                    expired.Count + missing.Count > 0 ? string.Join("; ", expired.Concat(missing.Select(m => m + " missing")))
                    : soon.Count > 0 ? string.Join("; ", soon) + $" (within {CertificatePolicy.RenewBefore.TotalDays:N0} days: Update-HaPgCertificate)"
                    : $"{certificates.Count} certificate(s), the first to expire on {Day(first)}",
                    warning: soon.Count > 0);
            }
        }

        /// <summary>A date as yyyy-MM-dd in the Gregorian calendar, whatever the session's culture.</summary>
        private static string Day(DateTimeOffset time) => time.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>Where clients come from: every HAProxy node and each client network (its first address stands for it).</summary>
        private static IEnumerable<(string Name, IPAddress Address)> SuperuserSources(HaPgInventory inventory) =>
            inventory.NodesWithRole(HaPgRole.Haproxy).Select(n => (n.Name, NetAddress.NodeIp(n)))
                .Concat(inventory.ClientNetworks.Select(NetAddress.ParseClientNetwork)
                    .Where(c => NetworkSyntax.TryParseCidr(c, out _, out _, out _))
                    .Select(c =>
                    {
                        NetworkSyntax.TryParseCidr(c, out var network, out _, out _);
                        return (c, network);
                    }));
    }
}
