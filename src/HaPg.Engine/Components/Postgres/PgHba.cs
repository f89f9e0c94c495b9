using System.Collections.Generic;
using System.Linq;
using HaPg.Components.Common;
using HaPg.Inventory;

namespace HaPg.Components.Postgres
{
    /// <summary>
    /// The pg_hba entries HaPg writes (through Patroni's postgresql.pg_hba, on every node). First match wins.
    /// Local: the postgres OS user maps to the postgres role by peer (Patroni runs as postgres and connects over the
    /// unix socket, so no password is needed or exposed); every other local role needs its password.
    /// Network: TLS only (plaintext is rejected first), only /32 hosts of the cluster and the named client networks, all
    /// scram-sha-256, never /0; the superuser is rejected from HAProxy and the client networks.
    /// </summary>
    public static class PgHba
    {
        public const string Method = "scram-sha-256";

        public static IReadOnlyList<string> Entries(HaPgInventory inventory, PostgresUsers users)
        {
            var databaseNodes = inventory.NodesWithRole(HaPgRole.Postgres).Select(NetAddress.HostCidr).Distinct().ToList();
            var proxies = inventory.NodesWithRole(HaPgRole.Haproxy).Select(NetAddress.HostCidr).Distinct().ToList();
            var clients = inventory.ClientNetworks.Select(NetAddress.ParseClientNetwork).Distinct().ToList();
            var lines = new List<string>
            {
                $"local all {users.Superuser} peer",
                $"local all all {Method}",
                $"host all all 127.0.0.1/32 {Method}",
                $"host replication {users.Replication} 127.0.0.1/32 {Method}",
                "hostnossl all all 0.0.0.0/0 reject",
                "hostnossl replication all 0.0.0.0/0 reject",
            };
            lines.AddRange(databaseNodes.Select(n => $"hostssl replication {users.Replication} {n} {Method}"));
            lines.AddRange(databaseNodes.Select(n => $"hostssl all {users.Rewind} {n} {Method}"));
            lines.AddRange(proxies.Concat(clients).Select(n => $"hostssl all {users.Superuser} {n} reject"));
            lines.AddRange(proxies.Concat(clients).Select(n => $"hostssl all all {n} {Method}"));
            return lines.Distinct().ToList();
        }
    }
}
