using System;
using System.Collections.Generic;
using System.Linq;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Common;
using HaPg.Components.Haproxy;
using HaPg.Inventory;
using HaPg.Remote;
using Npgsql;

namespace HaPg.Failover
{
    /// <summary>
    /// Polls the cluster once a second while a scenario runs:
    /// - every member directly with "select pg_is_in_recovery()" (writable = false): the samples the split-brain
    ///   detector judges;
    /// - Patroni's view (GET /patroni of every member, asked from a database node that is not under fault): a
    ///   LeaderChanged event when another member becomes primary;
    /// - HAProxy's primary listener: a HaproxySwitched event when another server is UP.
    /// </summary>
    public sealed class ClusterProber
    {
        private const string RolesScript =
            "import sys,json,urllib.request\n" +
            "for a in sys.argv[1:]:\n" +
            " n,u=a.split('=',1)\n" +
            " try:\n  d=json.loads(urllib.request.urlopen(u,timeout=0.8).read()); print(n, d.get('role','-'), d.get('state','-'))\n" +
            " except Exception as e:\n  print(n, '-', '-')\n";

        private readonly HaPgInventory inventory;
        private readonly FailoverClock clock;
        private readonly FailoverEventLog events;
        private readonly Func<HaPgNode, Task<IRemoteHost>> hostFor;
        private readonly SecureString password;
        private readonly List<ProbeSample> samples = new List<ProbeSample>();
        private string? patroniLeader;
        private string? haproxyPrimary;

        public ClusterProber(HaPgInventory inventory, FailoverClock clock, FailoverEventLog events, Func<HaPgNode, Task<IRemoteHost>> hostFor,
            SecureString superuserPassword, string initialLeader)
        {
            this.inventory = inventory;
            this.clock = clock;
            this.events = events;
            this.hostFor = hostFor;
            password = superuserPassword;
            patroniLeader = initialLeader;
            haproxyPrimary = initialLeader;
        }

        /// <summary>Where Patroni's roles are asked from; set it to a database node that is not under fault.</summary>
        public HaPgNode? RestVantage { get; set; }

        /// <summary>The member Patroni reports as primary in the latest round.</summary>
        public string? PatroniLeader => Volatile.Read(ref patroniLeader);

        /// <summary>The server UP on HAProxy's primary listener in the latest round.</summary>
        public string? HaproxyPrimary => Volatile.Read(ref haproxyPrimary);

        public IReadOnlyList<ProbeSample> Samples
        {
            get
            {
                lock (samples)
                {
                    return samples.ToList();
                }
            }
        }

        /// <summary>Probes until <paramref name="stop"/> is cancelled; a stop while a probe is in flight ends it quietly.</summary>
        public async Task RunAsync(CancellationToken stop)
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var round = Task.Delay(TimeSpan.FromSeconds(1), stop);
                    await Task.WhenAll(ProbeSqlAsync(stop), ProbePatroniAsync(stop), ProbeHaproxyAsync(stop)).ConfigureAwait(false);
                    await round.ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }

        private Task ProbeSqlAsync(CancellationToken stop) =>
            Task.WhenAll(inventory.NodesWithRole(HaPgRole.Postgres).Select(async node =>
            {
                bool? writable;
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    timeout.CancelAfter(TimeSpan.FromMilliseconds(900));
                    using var connection = new NpgsqlConnection(ConnectionString(node));
                    await connection.OpenAsync(timeout.Token).ConfigureAwait(false);
                    using var command = new NpgsqlCommand("select pg_is_in_recovery()", connection);
                    writable = !(bool)(await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false))!;
                }
                catch (Exception)
                {
                    writable = null;
                }

                lock (samples)
                {
                    samples.Add(new ProbeSample(clock.Now, node.Name, writable));
                }
            }));

        private async Task ProbePatroniAsync(CancellationToken stop)
        {
            if (RestVantage is null)
            {
                return;
            }

            try
            {
                var host = await hostFor(RestVantage).ConfigureAwait(false);
                var targets = inventory.NodesWithRole(HaPgRole.Postgres)
                    .Select(n => ShellQuote.Quote(n.Name + "=http://" + NetAddress.HostPort(n, inventory.Ports.PatroniRest) + "/patroni"));
                var result = await host.ExecuteAsync(
                    new RemoteCommand("python3 -c " + ShellQuote.Quote(RolesScript) + " " + string.Join(" ", targets)) { Sudo = false, LogStdout = false },
                    stop).ConfigureAwait(false);
                var primary = result.Stdout.Split('\n').Select(l => l.Trim().Split(' '))
                    .Where(p => p.Length == 3 && (p[1] == "primary" || p[1] == "master") && p[2] == "running")
                    .Select(p => p[0]).ToList();
                if (primary.Count == 1 && primary[0] != PatroniLeader)
                {
                    events.Add(FailoverEventKind.LeaderChanged, primary[0], $"Patroni reports {primary[0]} as the running primary");
                    Volatile.Write(ref patroniLeader, primary[0]);
                }
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                // The vantage node may be unreachable for a moment; the next round asks again.
            }
        }

        private async Task ProbeHaproxyAsync(CancellationToken stop)
        {
            var proxy = inventory.NodesWithRole(HaPgRole.Haproxy).FirstOrDefault();
            if (proxy is null)
            {
                return;
            }

            try
            {
                var host = await hostFor(proxy).ConfigureAwait(false);
                var servers = await HaproxySteps.ReadServersAsync(host, stop).ConfigureAwait(false);
                var up = servers.Where(s => s.Proxy == HaproxyConfig.PrimaryProxy && s.IsUp).Select(s => s.Server).ToList();
                if (up.Count == 1 && up[0] != HaproxyPrimary)
                {
                    events.Add(FailoverEventKind.HaproxySwitched, proxy.Name, $"HAProxy routes {inventory.Ports.HaproxyPrimary} to {up[0]}");
                    Volatile.Write(ref haproxyPrimary, up[0]);
                }
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
            }
        }

        private string ConnectionString(HaPgNode node) => new NpgsqlConnectionStringBuilder
        {
            Host = node.Address,
            Port = inventory.Ports.Postgres,
            Database = "postgres",
            Username = "postgres",
            Password = password.ToPlainText(),
            Pooling = false,
            Timeout = 1,
            CommandTimeout = 1,
        }.ConnectionString;
    }
}
