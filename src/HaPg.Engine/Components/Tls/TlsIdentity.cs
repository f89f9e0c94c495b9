using System.Collections.Generic;
using System.Linq;
using HaPg.Components.Common;
using HaPg.Inventory;

namespace HaPg.Components.Tls
{
    /// <summary>
    /// One service's certificate and key on a node, readable by that service's user only. HAProxy takes both in one file
    /// (<see cref="Combined"/>), read as root before it drops privileges.
    /// </summary>
    public sealed class TlsIdentity
    {
        public const string Directory = "/etc/hapg/tls";

        /// <summary>The cluster CA's certificate, on every node (0644: public).</summary>
        public const string CaPath = Directory + "/ca.crt";

        /// <summary>etcd's server, peer and client certificate.</summary>
        public static TlsIdentity Etcd { get; } = new TlsIdentity("etcd", "etcd", combined: false);

        /// <summary>PostgreSQL's server certificate, also Patroni's REST API certificate and its etcd client certificate (Patroni runs as postgres).</summary>
        public static TlsIdentity Postgres { get; } = new TlsIdentity("postgres", "postgres", combined: false);

        /// <summary>HAProxy's stats page certificate: certificate and key in one PEM file.</summary>
        public static TlsIdentity Haproxy { get; } = new TlsIdentity("haproxy", "root", combined: true);

        private TlsIdentity(string service, string owner, bool combined)
        {
            Service = service;
            Owner = owner;
            Combined = combined;
            CertificatePath = Directory + "/" + service + (combined ? ".pem" : ".crt");
            KeyPath = combined ? CertificatePath : Directory + "/" + service + ".key";
        }

        public string Service { get; }

        /// <summary>Owner and group of the key file.</summary>
        public string Owner { get; }

        public bool Combined { get; }

        public string CertificatePath { get; }

        public string KeyPath { get; }

        /// <summary>
        /// The names a certificate of this service carries besides its node's own. PostgreSQL's: every HAProxy node's name and
        /// address, and the virtual IP, since HAProxy passes TLS through and a client verifies the name it dialled.
        /// </summary>
        public IReadOnlyList<string> ExtraNames(HaPgInventory inventory)
        {
            if (this != Postgres)
            {
                return new string[0];
            }

            var names = inventory.NodesWithRole(HaPgRole.Haproxy).SelectMany(n => new[] { n.Name, NetAddress.NodeIp(n).ToString() }).ToList();
            if (inventory.VirtualIP is not null)
            {
                names.Add(inventory.VirtualIP.Split('/')[0]);
            }

            return names.Distinct(System.StringComparer.OrdinalIgnoreCase).ToList();
        }

        public override string ToString() => Service + " (" + CertificatePath + ")";
    }
}
