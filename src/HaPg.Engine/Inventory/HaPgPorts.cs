using System;
using System.Collections.Generic;

namespace HaPg.Inventory
{
    /// <summary>The TCP ports of the cluster's services.</summary>
    public sealed class HaPgPorts
    {
        public int Postgres { get; set; } = 5432;
        public int PatroniRest { get; set; } = 8008;
        public int EtcdClient { get; set; } = 2379;
        public int EtcdPeer { get; set; } = 2380;
        public int HaproxyPrimary { get; set; } = 5000;
        public int HaproxyReplica { get; set; } = 5001;
        public int HaproxyStats { get; set; } = 7000;

        /// <summary>
        /// Every port, in a stable order, with its key in the inventory file, what listens on it and on which role's nodes.
        /// The file, the validator and the firewall read this list; a new port goes here.
        /// </summary>
        internal static IReadOnlyList<Entry> Catalogue { get; } = new[]
        {
            new Entry(nameof(Postgres), "postgres", "PostgreSQL", HaPgRole.Postgres, p => p.Postgres, (p, v) => p.Postgres = v),
            new Entry(nameof(PatroniRest), "patroniRest", "Patroni REST API", HaPgRole.Postgres, p => p.PatroniRest, (p, v) => p.PatroniRest = v),
            new Entry(nameof(EtcdClient), "etcdClient", "etcd client", HaPgRole.Etcd, p => p.EtcdClient, (p, v) => p.EtcdClient = v),
            new Entry(nameof(EtcdPeer), "etcdPeer", "etcd peer", HaPgRole.Etcd, p => p.EtcdPeer, (p, v) => p.EtcdPeer = v),
            new Entry(nameof(HaproxyPrimary), "haproxyPrimary", "HAProxy primary", HaPgRole.Haproxy, p => p.HaproxyPrimary, (p, v) => p.HaproxyPrimary = v),
            new Entry(nameof(HaproxyReplica), "haproxyReplica", "HAProxy replica", HaPgRole.Haproxy, p => p.HaproxyReplica, (p, v) => p.HaproxyReplica = v),
            new Entry(nameof(HaproxyStats), "haproxyStats", "HAProxy stats", HaPgRole.Haproxy, p => p.HaproxyStats, (p, v) => p.HaproxyStats = v),
        };

        public HaPgPorts Clone() => (HaPgPorts)MemberwiseClone();

        internal sealed class Entry
        {
            internal Entry(string name, string key, string service, HaPgRole role, Func<HaPgPorts, int> get, Action<HaPgPorts, int> set)
            {
                Name = name;
                Key = key;
                Service = service;
                Role = role;
                Get = get;
                Set = set;
            }

            /// <summary>The property's name.</summary>
            internal string Name { get; }

            /// <summary>The key under <c>ports:</c> in the inventory file.</summary>
            internal string Key { get; }

            /// <summary>What listens on it, as messages name it.</summary>
            internal string Service { get; }

            /// <summary>The role whose nodes listen on it.</summary>
            internal HaPgRole Role { get; }

            internal Func<HaPgPorts, int> Get { get; }
            internal Action<HaPgPorts, int> Set { get; }
        }
    }
}
