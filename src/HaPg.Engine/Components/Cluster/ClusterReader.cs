using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Etcd;
using HaPg.Components.Haproxy;
using HaPg.Components.Keepalived;
using HaPg.Components.Patroni;
using HaPg.Components.Postgres;
using HaPg.Components.Tls;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Remote;

namespace HaPg.Components.Cluster
{
    /// <summary>What a <see cref="ClusterReader"/> read takes in besides Patroni's members, which it always reads.</summary>
    [Flags]
    public enum ClusterViews
    {
        /// <summary>Only Patroni's members: GET /cluster from the first database node that answers.</summary>
        Members = 0,

        /// <summary>Each database node's WAL receiver, postmaster start and newest timeline history: what repairs and divergence need.</summary>
        Replicas = 1,

        /// <summary>Each database node's safety facts too (pg_hba.conf, the distro's PostgreSQL, file modes), in the same query.</summary>
        Safety = 2,

        /// <summary>Each HAProxy node's servers.</summary>
        Haproxy = 4,

        /// <summary>Each etcd member's health.</summary>
        Etcd = 8,

        /// <summary>With a virtual IP: which HAProxy nodes hold it, and which server a transaction through it reaches.</summary>
        VirtualIP = 16,

        /// <summary>Every node's TLS: plaintext refused, etcd without a client certificate, Patroni's auth, the certificates it holds.</summary>
        Tls = 32,

        All = Replicas | Safety | Haproxy | Etcd | VirtualIP | Tls,
    }

    /// <summary>
    /// The one reader of the cluster's state (<see cref="ClusterSnapshot"/>); changes nothing. Patroni's members come from
    /// the first database node, in inventory order, whose Patroni answers GET /cluster; the other views are read on every
    /// node of their role. Either in one parallel pass through a <see cref="NodeRunner"/> (an operation or a cmdlet: a node
    /// that cannot be reached has its error written), or node by node from inside one node's work (a failover test).
    /// </summary>
    public static class ClusterReader
    {
        public const string Activity = "Reading the cluster";

        private const string FactsSeparator = "--hapg--";

        /// <summary>Every view of every node, in one parallel pass (Test-HaPgCluster).</summary>
        public static ClusterSnapshot Read(NodeRunner runner, HaPgInventory inventory, int throttleLimit) =>
            Read(runner, inventory, inventory.Nodes, ClusterViews.All, throttleLimit);

        /// <summary>
        /// Reads <paramref name="views"/> on <paramref name="nodes"/> in one parallel pass; a node that cannot be reached has its
        /// error written and is left out. Members come from the first of <paramref name="nodes"/> that answers.
        /// </summary>
        public static ClusterSnapshot Read(NodeRunner runner, HaPgInventory inventory, IReadOnlyCollection<HaPgNode> nodes, ClusterViews views,
            int throttleLimit, string activity = Activity)
        {
            var order = nodes.ToList();
            var reads = runner.Run(inventory, order.Where(n => Reads(n, views)).ToList(), throttleLimit, activity,
                context => ReadNodeAsync(inventory, context.Host, views, askPatroni: true, context.CancellationToken), writeResults: false);
            return Combine(inventory, reads.OrderBy(r => order.IndexOf(r.Node)), views, runner.CancellationToken);
        }

        /// <summary>
        /// Reads <paramref name="views"/> node by node, in inventory order, through <paramref name="hostFor"/> (e.g.
        /// <see cref="NodeContext.HostForAsync"/>): for work already running on one node. GET /cluster is asked until one
        /// member answers; a node that cannot be reached (<see cref="HaPgRemoteException"/>) is skipped.
        /// </summary>
        public static async Task<ClusterSnapshot> ReadAsync(HaPgInventory inventory, Func<HaPgNode, Task<IRemoteHost>> hostFor, ClusterViews views,
            CancellationToken cancellationToken)
        {
            var reads = new List<NodeRead>();
            var answered = false;
            foreach (var node in inventory.Nodes.Where(n => Reads(n, views)))
            {
                if (answered && views == ClusterViews.Members)
                {
                    break;
                }

                try
                {
                    var read = await ReadNodeAsync(inventory, await hostFor(node).ConfigureAwait(false), views, !answered, cancellationToken).ConfigureAwait(false);
                    answered |= read.Members.Count > 0;
                    reads.Add(read);
                }
                catch (HaPgRemoteException)
                {
                    // Unreachable: another node answers, and the checks that need this one say so.
                }
            }

            return Combine(inventory, reads, views, cancellationToken);
        }

        private static bool Reads(HaPgNode node, ClusterViews views) =>
            node.HasRole(HaPgRole.Postgres) || (views & ClusterViews.Tls) != 0
            || node.HasRole(HaPgRole.Haproxy) && (views & (ClusterViews.Haproxy | ClusterViews.VirtualIP)) != 0
            || node.HasRole(HaPgRole.Etcd) && (views & ClusterViews.Etcd) != 0;

        private static async Task<NodeRead> ReadNodeAsync(HaPgInventory inventory, IRemoteHost host, ClusterViews views, bool askPatroni,
            CancellationToken ct)
        {
            var node = host.Node;
            var read = new NodeRead(node);
            if (node.HasRole(HaPgRole.Postgres))
            {
                if (askPatroni)
                {
                    read.Members = await PatroniApi.GetClusterAsync(host, inventory, ct).ConfigureAwait(false);
                }

                if ((views & (ClusterViews.Replicas | ClusterViews.Safety)) != 0)
                {
                    read.Facts = await ReadFactsAsync(inventory, host, (views & ClusterViews.Safety) != 0, ct).ConfigureAwait(false);
                }
            }

            if (node.HasRole(HaPgRole.Haproxy))
            {
                if ((views & ClusterViews.Haproxy) != 0)
                {
                    read.Servers = (await HaproxySteps.ReadServersAsync(host, ct).ConfigureAwait(false)).ToList();
                }

                read.HoldsVirtualIP = (views & ClusterViews.VirtualIP) != 0 && inventory.VirtualIP is not null
                                      && await KeepalivedSteps.HoldsAsync(host, inventory, ct).ConfigureAwait(false);
            }

            if (node.HasRole(HaPgRole.Etcd) && (views & ClusterViews.Etcd) != 0)
            {
                read.Etcd = await EtcdSteps.ReadAsync(inventory, host, ct).ConfigureAwait(false);
            }

            if ((views & ClusterViews.Tls) != 0)
            {
                read.Tls = await TlsProbe.ReadAsync(host, inventory, ct).ConfigureAwait(false);
            }

            return read;
        }

        private static ClusterSnapshot Combine(HaPgInventory inventory, IEnumerable<NodeRead> reads, ClusterViews views, CancellationToken ct)
        {
            var snapshot = new ClusterSnapshot();
            foreach (var read in reads)
            {
                var name = read.Node.Name;
                if (snapshot.Members.Count == 0 && read.Members.Count > 0)
                {
                    snapshot.Members.AddRange(read.Members);
                    snapshot.AskedMember = name;
                }

                if (read.Facts is not null) snapshot.Nodes[name] = read.Facts;
                if (read.Servers is not null) snapshot.Haproxy[name] = read.Servers;
                if (read.HoldsVirtualIP) snapshot.VirtualIPHolders.Add(name);
                if (read.Etcd is not null) snapshot.Etcd.Add(read.Etcd);
                if (read.Tls is not null) snapshot.Tls[name] = read.Tls;
            }

            snapshot.Etcd.Sort((a, b) => string.CompareOrdinal(a.Node, b.Node));
            snapshot.VirtualIPHolders.Sort(string.CompareOrdinal);
            if ((views & ClusterViews.VirtualIP) != 0 && inventory.VirtualIP is not null)
            {
                (snapshot.VirtualIPWriteServer, snapshot.VirtualIPWriteError) = VirtualIPProbe.WriteThroughAsync(inventory, ct).GetAwaiter().GetResult();
            }

            return snapshot;
        }

        /// <summary>The replica facts (<see cref="ReplicaRepair.ReadCommand"/>) and, with <paramref name="safety"/>, the safety facts, in one command.</summary>
        private static async Task<NodeFacts> ReadFactsAsync(HaPgInventory inventory, IRemoteHost host, bool safety, CancellationToken ct)
        {
            if (!safety)
            {
                var replica = await ReplicaRepair.ReadAsync(host, inventory, ct).ConfigureAwait(false);
                return new NodeFacts { WalReceiver = replica.WalReceiver, History = replica.History, PostmasterStart = replica.PostmasterStart };
            }

            var major = await PostgresSteps.DiscoverMajorAsync(host, inventory.PostgresVersion, ct).ConfigureAwait(false);
            var dataDir = ShellQuote.Quote(PostgresHost.DataDir(major, inventory.ClusterName));
            var script = string.Join($"; echo {FactsSeparator}; ",
                ReplicaRepair.ReadCommand(inventory),
                $"cat {dataDir}/pg_hba.conf 2>/dev/null",
                "systemctl is-enabled postgresql 2>/dev/null",
                "for f in /etc/postgresql/*/main/start.conf; do [ -e \"$f\" ] && echo \"$(echo \"$f\" | cut -d/ -f4)/main=$(grep -v '^#' \"$f\" | tr -d ' \\n')\"; done",
                $"stat -c '%n %a %U:%G' {PatroniConfig.FilePath} {dataDir} 2>&1");
            var output = await host.ExecuteAsync(new RemoteCommand(script) { LogStdout = false }, ct).ConfigureAwait(false);
            var parts = output.Stdout.Split(new[] { FactsSeparator }, StringSplitOptions.None).Select(p => p.Trim('\n', ' ')).ToList();
            string Part(int i) => i < parts.Count ? parts[i] : string.Empty;
            var replicaFacts = ReplicaFacts.Parse(Part(0));
            var facts = new NodeFacts
            {
                WalReceiver = replicaFacts.WalReceiver,
                History = replicaFacts.History,
                PostmasterStart = replicaFacts.PostmasterStart,
                PgHba = Part(1),
                DistroUnit = Part(2),
            };
            facts.DistroStartConf.AddRange(Lines(Part(3)));
            facts.FileModes.AddRange(Lines(Part(4)));
            return facts;
        }

        private static IEnumerable<string> Lines(string text) => text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);

        /// <summary>What one node showed.</summary>
        private sealed class NodeRead
        {
            public NodeRead(HaPgNode node) => Node = node;

            public HaPgNode Node { get; }
            public IReadOnlyList<PatroniMember> Members { get; set; } = Array.Empty<PatroniMember>();
            public NodeFacts? Facts { get; set; }
            public List<HaproxyServerStatus>? Servers { get; set; }
            public bool HoldsVirtualIP { get; set; }
            public EtcdMemberStatus? Etcd { get; set; }
            public TlsFacts? Tls { get; set; }
        }
    }
}
