using System;
using System.Collections.Generic;
using System.Linq;
using HaPg.Components.Common;
using HaPg.Components.Tls;
using HaPg.Inventory;

namespace HaPg.Components.Etcd
{
    /// <summary>
    /// Reads etcdctl (API v3) JSON output. "endpoint status -w json" works from etcd 3.2; "endpoint health -w json"
    /// from 3.4 (Debian 12, Ubuntu 24.04). etcdctl prints the reachable endpoints on stdout and exits non-zero if any
    /// failed: parse stdout whatever the exit code.
    /// </summary>
    public static class EtcdStatusParser
    {
        /// <summary>Run with sudo on <paramref name="from"/>: the client key is readable by its service user only.</summary>
        public static string StatusCommand(HaPgInventory inventory, HaPgNode from) => Etcdctl(inventory, from, "endpoint status");

        public static string HealthCommand(HaPgInventory inventory, HaPgNode from) => Etcdctl(inventory, from, "endpoint health");

        /// <summary>
        /// etcdctl with the cluster CA and the client certificate <paramref name="from"/> holds: etcd's own on an etcd member,
        /// else Patroni's.
        /// </summary>
        public static string Etcdctl(HaPgInventory inventory, HaPgNode from, string subcommand)
        {
            var identity = from.HasRole(HaPgRole.Etcd) ? TlsIdentity.Etcd : TlsIdentity.Postgres;
            return "ETCDCTL_API=3 etcdctl --endpoints=" +
                   string.Join(",", EtcdConfig.ClientHostPorts(inventory).Select(h => "https://" + h)) +
                   " --cacert=" + TlsIdentity.CaPath + " --cert=" + identity.CertificatePath + " --key=" + identity.KeyPath +
                   " " + subcommand + " --write-out=json";
        }

        /// <summary>[{"Endpoint":..,"Status":{"header":{"member_id":..},"version":..,"dbSize":..,"leader":..,"raftTerm":..}}]</summary>
        public static IReadOnlyList<EtcdMemberStatus> ParseStatus(string json) =>
            DataTree.ParseList(json).OfType<DataMap>().Select(item =>
            {
                var status = item.Map("Status") ?? new DataMap();
                var memberId = status.Map("header")?.String("member_id");
                var leader = status.String("leader");
                return new EtcdMemberStatus
                {
                    Endpoint = item.String("Endpoint") ?? string.Empty,
                    Version = status.String("version"),
                    DbSizeBytes = status.Long("dbSize"),
                    MemberId = memberId,
                    RaftTerm = status.Long("raftTerm"),
                    IsLeader = memberId is null || leader is null ? null : memberId == leader,
                };
            }).ToList();

        /// <summary>[{"endpoint":..,"health":true,"took":"..","error":".."}]</summary>
        public static IReadOnlyList<EtcdMemberStatus> ParseHealth(string json) =>
            DataTree.ParseList(json).OfType<DataMap>().Select(item => new EtcdMemberStatus
            {
                Endpoint = item.String("endpoint") ?? string.Empty,
                Healthy = item.Bool("health"),
                Error = string.IsNullOrEmpty(item.String("error")) ? null : item.String("error"),
            }).ToList();

        /// <summary>
        /// One entry per etcd member of the inventory, filled from status and health output (either may be empty).
        /// A member missing from the health output is reported unhealthy.
        /// </summary>
        public static IReadOnlyList<EtcdMemberStatus> Merge(HaPgInventory inventory, string statusJson, string healthJson)
        {
            var status = string.IsNullOrWhiteSpace(statusJson) ? new List<EtcdMemberStatus>() : ParseStatus(statusJson);
            var health = string.IsNullOrWhiteSpace(healthJson) ? new List<EtcdMemberStatus>() : ParseHealth(healthJson);
            return inventory.NodesWithRole(HaPgRole.Etcd).Select(node =>
            {
                var endpoint = "https://" + NetAddress.HostPort(node, inventory.Ports.EtcdClient);
                var s = status.FirstOrDefault(x => SameEndpoint(x.Endpoint, endpoint));
                var h = health.FirstOrDefault(x => SameEndpoint(x.Endpoint, endpoint));
                return new EtcdMemberStatus
                {
                    Node = node.Name,
                    Endpoint = endpoint,
                    Healthy = h?.Healthy ?? false,
                    Error = h?.Error ?? (h is null ? "no health answer" : null),
                    Version = s?.Version,
                    IsLeader = s?.IsLeader,
                    DbSizeBytes = s?.DbSizeBytes,
                    MemberId = s?.MemberId,
                    RaftTerm = s?.RaftTerm,
                };
            }).ToList();
        }

        private static bool SameEndpoint(string a, string b) =>
            string.Equals(StripScheme(a), StripScheme(b), StringComparison.OrdinalIgnoreCase);

        private static string StripScheme(string endpoint)
        {
            var i = endpoint.IndexOf("://", StringComparison.Ordinal);
            return (i < 0 ? endpoint : endpoint.Substring(i + 3)).TrimEnd('/');
        }
    }
}
