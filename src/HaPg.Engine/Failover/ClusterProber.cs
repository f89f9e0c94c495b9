using System;
using System.Collections.Generic;
using System.Linq;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Common;
using HaPg.Components.Haproxy;
using HaPg.Components.Postgres;
using HaPg.Components.Tls;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;
using Npgsql;

namespace HaPg.Failover
{
    /// <summary>
    /// Polls the cluster once a second while a scenario runs, through Patroni's REST API and pg_is_in_recovery():
    /// - every member directly with "select pg_is_in_recovery()", and every member's Patroni GET /primary (200 only
    ///   while it holds the leader lock: what HAProxy routes on), asked from a database node not under fault. A
    ///   member is a writable primary when both say so; those samples feed the split-brain detector. A member that
    ///   accepts writes without the lock (an old primary in the moment before Patroni demotes it) is logged as a
    ///   Note event;
    /// - a LeaderChanged event when another member holds the lock;
    /// - HAProxy's primary listener: a HaproxySwitched event when another server is UP.
    /// </summary>
    public sealed class ClusterProber
    {
        private const string LockScript =
            "import sys,ssl,urllib.request,urllib.error\n" +
            "ctx=ssl.create_default_context(cafile='" + TlsIdentity.CaPath + "')\n" +
            "for a in sys.argv[1:]:\n" +
            " n,u=a.split('=',1)\n" +
            " try:\n  print(n, urllib.request.urlopen(u,timeout=0.8,context=ctx).status)\n" +
            " except urllib.error.HTTPError as e:\n  print(n, e.code)\n" +
            " except Exception:\n  print(n, 0)\n";

        private readonly HaPgInventory inventory;
        private readonly FailoverClock clock;
        private readonly FailoverEventLog events;
        private readonly Func<HaPgNode, Task<IRemoteHost>> hostFor;
        private readonly SecureString password;
        private readonly Dictionary<string, System.Net.Security.RemoteCertificateValidationCallback> certificateChecks;
        private readonly List<ProbeSample> samples = new List<ProbeSample>();
        private readonly HashSet<string> writableWithoutLock = new HashSet<string>();
        private string? patroniLeader;
        private string? haproxyPrimary;
        private string? virtualIPHolder;
        private int virtualIPOnTwoNodes;

        public ClusterProber(HaPgInventory inventory, FailoverClock clock, FailoverEventLog events, Func<HaPgNode, Task<IRemoteHost>> hostFor,
            SecureString applicationPassword, string initialLeader)
        {
            this.inventory = inventory;
            certificateChecks = inventory.NodesWithRole(HaPgRole.Postgres).ToDictionary(n => n.Name, n => PostgresClientTls.For(inventory, n.Address));
            this.clock = clock;
            this.events = events;
            this.hostFor = hostFor;
            password = applicationPassword;
            patroniLeader = initialLeader;
            haproxyPrimary = initialLeader;
        }

        /// <summary>Where Patroni's roles are asked from; set it to a database node that is not under fault.</summary>
        public HaPgNode? RestVantage { get; set; }

        /// <summary>The member Patroni reports as primary in the latest round.</summary>
        public string? PatroniLeader => Volatile.Read(ref patroniLeader);

        /// <summary>The server UP on HAProxy's primary listener in the latest round.</summary>
        public string? HaproxyPrimary => Volatile.Read(ref haproxyPrimary);

        /// <summary>With a virtual IP: the HAProxy node seen alone holding it most recently. Set it to the holder before the fault.</summary>
        public string? VirtualIPHolder
        {
            get => Volatile.Read(ref virtualIPHolder);
            set => Volatile.Write(ref virtualIPHolder, value);
        }

        /// <summary>Whether any round saw two HAProxy nodes holding the virtual IP.</summary>
        public bool VirtualIPOnTwoNodes => Volatile.Read(ref virtualIPOnTwoNodes) != 0;

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
                    var sql = ProbeSqlAsync(stop);
                    var locks = ProbeLocksAsync(stop);
                    var routed = ProbeHaproxyAsync(stop);
                    var vip = ProbeVirtualIPAsync(stop);
                    await Task.WhenAll(sql, locks, routed, vip).ConfigureAwait(false);
                    Record(await sql.ConfigureAwait(false), await locks.ConfigureAwait(false), await routed.ConfigureAwait(false));
                    await round.ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }

        /// <summary>Each member's answer to pg_is_in_recovery(): true when it accepts writes, null when it did not answer.</summary>
        private async Task<IReadOnlyList<(string Member, DateTimeOffset Time, bool? Writable)>> ProbeSqlAsync(CancellationToken stop) =>
            await Task.WhenAll(inventory.NodesWithRole(HaPgRole.Postgres).Select(async node =>
            {
                bool? writable;
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    timeout.CancelAfter(TimeSpan.FromMilliseconds(900));
                    using var connection = new NpgsqlConnection(ConnectionString(node)) { UserCertificateValidationCallback = certificateChecks[node.Name] };
                    await connection.OpenAsync(timeout.Token).ConfigureAwait(false);
                    using var command = new NpgsqlCommand("select pg_is_in_recovery()", connection);
                    writable = !(bool)(await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false))!;
                }
                catch (Exception) when (!stop.IsCancellationRequested)
                {
                    writable = null;
                }

                return (node.Name, clock.Now, writable);
            })).ConfigureAwait(false);

        /// <summary>Whether each member's Patroni holds the leader lock (GET /primary is 200); null when it did not answer.</summary>
        private async Task<IReadOnlyDictionary<string, bool?>> ProbeLocksAsync(CancellationToken stop)
        {
            var locks = new Dictionary<string, bool?>();
            if (RestVantage is null)
            {
                return locks;
            }

            try
            {
                var host = await hostFor(RestVantage).ConfigureAwait(false);
                var targets = inventory.NodesWithRole(HaPgRole.Postgres)
                    .Select(n => ShellQuote.Quote(n.Name + "=https://" + NetAddress.HostPort(n, inventory.Ports.PatroniRest) + "/primary"));
                var result = await host.ExecuteAsync(
                    new RemoteCommand("python3 -c " + ShellQuote.Quote(LockScript) + " " + string.Join(" ", targets)) { Sudo = false, LogStdout = false },
                    stop).ConfigureAwait(false);
                foreach (var answer in result.Stdout.Split('\n').Select(l => l.Trim().Split(' ')).Where(p => p.Length == 2))
                {
                    locks[answer[0]] = answer[1] == "200" ? true : answer[1] == "503" ? false : (bool?)null;
                }
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                // The vantage node may be unreachable for a moment; the next round asks again.
            }

            return locks;
        }

        /// <summary>
        /// Joins a round's answers into samples and events. A writable member counts as a primary unless its Patroni denied
        /// the lock, or, when its Patroni did not answer (a node just thawed), HAProxy did not route writes to it that round.
        /// </summary>
        private void Record(IReadOnlyList<(string Member, DateTimeOffset Time, bool? Writable)> answers, IReadOnlyDictionary<string, bool?> locks,
            IReadOnlyCollection<string>? routed)
        {
            foreach (var (member, time, writable) in answers)
            {
                locks.TryGetValue(member, out var holdsLock);
                var (primary, unlocked) = Classify(member, writable, holdsLock, routed);
                lock (samples)
                {
                    samples.Add(new ProbeSample(time, member, primary));
                }

                if (unlocked is not null && writableWithoutLock.Add(member))
                {
                    events.Add(FailoverEventKind.Note, member, unlocked);
                }
                else if (writable != true)
                {
                    writableWithoutLock.Remove(member);
                }
            }

            var leaders = locks.Where(l => l.Value == true).Select(l => l.Key).ToList();
            if (leaders.Count == 1 && leaders[0] != PatroniLeader)
            {
                events.Add(FailoverEventKind.LeaderChanged, leaders[0], $"Patroni: {leaders[0]} holds the leader lock");
                Volatile.Write(ref patroniLeader, leaders[0]);
            }
        }

        /// <summary>
        /// One member's answers in one round: whether it counts as a writable primary (null: it did not answer SQL), and the
        /// note when it accepted writes without being the routed leader. Writable counts unless its Patroni denied the lock,
        /// or did not answer while HAProxy (which did) routed writes elsewhere: an unanswered lock probe alone proves nothing.
        /// </summary>
        public static (bool? WritablePrimary, string? Note) Classify(string member, bool? writable, bool? holdsLock, IReadOnlyCollection<string>? routed)
        {
            if (writable is null) return (null, null);
            if (writable == false) return (false, null);
            var why = holdsLock == false ? "without the leader lock"
                : holdsLock is null && routed is not null && !routed.Contains(member) ? "while its Patroni did not answer"
                : null;
            return why is null
                ? (true, null)
                : (false, $"{member} accepted writes for a moment {why}, before Patroni demoted it (HAProxy does not route to it; only direct clients could write there)");
        }

        /// <summary>The servers UP on HAProxy's primary listener this round; null when HAProxy did not answer.</summary>
        private async Task<IReadOnlyCollection<string>?> ProbeHaproxyAsync(CancellationToken stop)
        {
            // The HAProxy clients reach: the virtual IP's holder when there is one.
            var proxy = (VirtualIPHolder is string holder ? inventory.FindNode(holder) : null) ?? inventory.NodesWithRole(HaPgRole.Haproxy).FirstOrDefault();
            if (proxy is null)
            {
                return null;
            }

            // A lost node's reconnect can take seconds: the round does not wait for it.
            var answer = ReadRoutedAsync(proxy, stop);
            return await Task.WhenAny(answer, Task.Delay(TimeSpan.FromMilliseconds(950), stop)).ConfigureAwait(false) == answer
                ? await answer.ConfigureAwait(false)
                : null;
        }

        private async Task<IReadOnlyCollection<string>?> ReadRoutedAsync(HaPgNode proxy, CancellationToken stop)
        {
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

                return up;
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>
        /// Asks every HAProxy node whether it holds the virtual IP: a VirtualIPMoved event when another node alone holds it, a
        /// SplitBrain event (and <see cref="VirtualIPOnTwoNodes"/>) when two do. A node that does not answer holds nothing it can serve.
        /// </summary>
        private async Task ProbeVirtualIPAsync(CancellationToken stop)
        {
            if (inventory.VirtualIP is null)
            {
                return;
            }

            async Task<string?> Holder(HaPgNode node, CancellationToken timeout)
            {
                try
                {
                    return await Components.Keepalived.KeepalivedSteps.HoldsAsync(await hostFor(node).ConfigureAwait(false), inventory, timeout)
                        .ConfigureAwait(false) ? node.Name : null;
                }
                catch (Exception)
                {
                    return null;
                }
            }

            var answers = await Task.WhenAll(inventory.NodesWithRole(HaPgRole.Haproxy).Select(async node =>
            {
                // A lost node's reconnect can take seconds: the round does not wait for it.
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(TimeSpan.FromMilliseconds(900));
                var answer = Holder(node, timeout.Token);
                return await Task.WhenAny(answer, Task.Delay(900, stop)).ConfigureAwait(false) == answer ? await answer.ConfigureAwait(false) : null;
            })).ConfigureAwait(false);
            var holders = answers.Where(a => a is not null).Select(a => a!).ToList();
            if (holders.Count > 1)
            {
                if (Interlocked.Exchange(ref virtualIPOnTwoNodes, 1) == 0)
                {
                    events.Add(FailoverEventKind.SplitBrain, string.Join(",", holders), $"the virtual IP {inventory.VirtualIP} is on {string.Join(" and ", holders)} at once");
                }
            }
            else if (holders.Count == 1 && holders[0] != VirtualIPHolder)
            {
                events.Add(FailoverEventKind.VirtualIPMoved, holders[0], $"keepalived: {holders[0]} holds the virtual IP {inventory.VirtualIP}");
                VirtualIPHolder = holders[0];
            }
        }

        private string ConnectionString(HaPgNode node) => new NpgsqlConnectionStringBuilder
        {
            Host = node.Address,
            Port = inventory.Ports.Postgres,
            Database = "postgres",
            Username = ApplicationRole.Name,
            Password = password.ToPlainText(),
            SslMode = SslMode.Require,
            Pooling = false,
            Timeout = 1,
            CommandTimeout = 1,
        }.ConnectionString;
    }
}
