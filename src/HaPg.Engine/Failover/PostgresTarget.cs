using System;
using System.Linq;
using System.Security;
using HaPg.Inventory;

namespace HaPg.Failover
{
    /// <summary>Where a failover workload connects (e.g. HAProxy :5000). The password never leaves this object but to the client.</summary>
    public sealed class PostgresTarget
    {
        private readonly SecureString password;

        public PostgresTarget(string host, int port, string database, string user, SecureString password)
        {
            if (string.IsNullOrWhiteSpace(host)) throw new ArgumentException("A host is required.", nameof(host));
            if (port < 1 || port > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "Port must be 1-65535.");
            if (string.IsNullOrWhiteSpace(database)) throw new ArgumentException("A database is required.", nameof(database));
            if (string.IsNullOrWhiteSpace(user)) throw new ArgumentException("A user is required.", nameof(user));
            Host = host;
            Port = port;
            Database = database;
            User = user;
            this.password = (password ?? throw new ArgumentNullException(nameof(password))).Copy();
            this.password.MakeReadOnly();
        }

        public string Host { get; }
        public int Port { get; }
        public string Database { get; }
        public string User { get; }

        /// <summary>How the server's certificate is checked, TLS then being required (see <see cref="Components.Tls.PostgresClientTls"/>); null: no TLS required.</summary>
        public System.Net.Security.RemoteCertificateValidationCallback? CertificateCheck { get; set; }

        /// <summary>host:port, the name writer events carry.</summary>
        public string Endpoint => $"{Host}:{Port}";

        public override string ToString() => $"{User}@{Host}:{Port}/{Database}";

        internal string RevealPassword() => password.ToPlainText();

        /// <summary>
        /// Where clients write: the virtual IP when the inventory has one, else the first HAProxy node; as the application role,
        /// over TLS verified against the cluster CA the session holds.
        /// </summary>
        public static PostgresTarget ClusterWrites(HaPgInventory inventory)
        {
            var host = inventory.VirtualIP is not null
                ? Components.Keepalived.KeepalivedConfig.Address(inventory).ToString()
                : inventory.NodesWithRole(HaPgRole.Haproxy).First().Address;
            return new PostgresTarget(host, inventory.Ports.HaproxyPrimary, "postgres", Components.Postgres.ApplicationRole.Name, inventory.Secrets.ApplicationPassword!)
            {
                CertificateCheck = Components.Tls.PostgresClientTls.For(inventory, host),
            };
        }
    }
}
