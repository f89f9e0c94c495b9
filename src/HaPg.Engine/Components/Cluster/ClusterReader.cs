using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using HaPg.Components.Etcd;
using HaPg.Components.Haproxy;
using HaPg.Components.Patroni;
using HaPg.Components.Postgres;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Remote;

namespace HaPg.Components.Cluster
{
    /// <summary>Reads a <see cref="ClusterSnapshot"/> in one parallel pass over the nodes; changes nothing.</summary>
    public static class ClusterReader
    {
        private const string FactsSeparator = "--hapg--";

        public static ClusterSnapshot Read(NodeRunner runner, HaPgInventory inventory, int throttleLimit)
        {
            var snapshot = new ClusterSnapshot();
            var gate = new object();
            runner.Run(inventory, inventory.Nodes, throttleLimit, "Reading the cluster", async context =>
            {
                var node = context.Node;
                var host = context.Host;
                var ct = context.CancellationToken;
                if (node.HasRole(HaPgRole.Postgres))
                {
                    var members = await PatroniApi.GetClusterAsync(host, inventory, ct).ConfigureAwait(false);
                    var facts = await ReadFactsAsync(inventory, host, ct).ConfigureAwait(false);
                    lock (gate)
                    {
                        snapshot.Nodes[node.Name] = facts;
                        if (snapshot.Members.Count == 0 && members.Count > 0)
                        {
                            snapshot.Members.AddRange(members);
                            snapshot.AskedMember = node.Name;
                        }
                    }
                }

                if (node.HasRole(HaPgRole.Haproxy))
                {
                    var servers = await HaproxySteps.ReadServersAsync(host, ct).ConfigureAwait(false);
                    var holds = inventory.VirtualIP is not null && await Keepalived.KeepalivedSteps.HoldsAsync(host, inventory, ct).ConfigureAwait(false);
                    lock (gate)
                    {
                        snapshot.Haproxy[node.Name] = servers.ToList();
                        if (holds) snapshot.VirtualIPHolders.Add(node.Name);
                    }
                }

                if (node.HasRole(HaPgRole.Etcd))
                {
                    var member = await EtcdSteps.ReadAsync(inventory, host, ct).ConfigureAwait(false);
                    lock (gate)
                    {
                        snapshot.Etcd.Add(member);
                    }
                }

                return node;
            }, writeResults: false);
            snapshot.Etcd.Sort((a, b) => string.CompareOrdinal(a.Node, b.Node));
            snapshot.VirtualIPHolders.Sort(string.CompareOrdinal);
            if (inventory.VirtualIP is not null)
            {
                (snapshot.VirtualIPWriteServer, snapshot.VirtualIPWriteError) =
                    Keepalived.VirtualIPProbe.WriteThroughAsync(inventory, System.Threading.CancellationToken.None).GetAwaiter().GetResult();
            }

            return snapshot;
        }

        private static async Task<NodeFacts> ReadFactsAsync(HaPgInventory inventory, IRemoteHost host, System.Threading.CancellationToken ct)
        {
            var major = await PostgresSteps.DiscoverMajorAsync(host, inventory.PostgresVersion, ct).ConfigureAwait(false);
            var dataDir = ShellQuote.Quote(PostgresHost.DataDir(major, inventory.ClusterName));
            var script = string.Join($"; echo {FactsSeparator}; ",
                LocalPsql.WalReceiverCommand(inventory) + " 2>/dev/null",
                $"cat {dataDir}/pg_hba.conf 2>/dev/null",
                "systemctl is-enabled postgresql 2>/dev/null",
                "for f in /etc/postgresql/*/main/start.conf; do [ -e \"$f\" ] && echo \"$(echo \"$f\" | cut -d/ -f4)/main=$(grep -v '^#' \"$f\" | tr -d ' \\n')\"; done",
                $"stat -c '%n %a %U:%G' {PatroniConfig.FilePath} {dataDir} 2>&1",
                ReplicaRepair.NewestHistoryCommand(inventory) + " 2>/dev/null");
            var output = await host.ExecuteAsync(new RemoteCommand(script) { LogStdout = false }, ct).ConfigureAwait(false);
            var parts = output.Stdout.Split(new[] { FactsSeparator }, System.StringSplitOptions.None).Select(p => p.Trim('\n', ' ')).ToList();
            string Part(int i) => i < parts.Count ? parts[i] : string.Empty;
            var facts = new NodeFacts { WalReceiver = Part(0), PgHba = Part(1), DistroUnit = Part(2) };
            facts.DistroStartConf.AddRange(Lines(Part(3)));
            facts.FileModes.AddRange(Lines(Part(4)));
            facts.History = TimelineHistory.Parse(Part(5));
            return facts;
        }

        private static IEnumerable<string> Lines(string text) => text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);
    }
}
