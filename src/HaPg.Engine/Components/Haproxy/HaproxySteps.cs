using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Common;
using HaPg.Components.Tls;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Steps;

namespace HaPg.Components.Haproxy
{
    /// <summary>
    /// An HAProxy node's plan: haproxy (and socat, to read its admin socket), haproxy.cfg validated with haproxy -c
    /// before it is moved into place, and the service reloaded only when the config changed; then, with a virtual IP,
    /// keepalived's steps.
    /// </summary>
    public static class HaproxySteps
    {
        public static NodePlan For(HaPgInventory inventory, HaPgNode node, HaproxySettings settings, ClusterCa? ca, IEnumerable<NodeStep>? keepalived = null)
        {
            var config = new FileStep(HaproxyConfig.Render(inventory, node, settings));
            var certificate = new CertificateStep(ca, inventory, node, TlsIdentity.Haproxy);
            return new NodePlan(node, new NodeStep[]
            {
                new PackageStep("haproxy", "socat"),
                certificate,
                config,
                new ServiceStep("haproxy", restartWhenChanged: new IWritesFiles[] { config, certificate }, reloadInsteadOfRestart: true),
            }.Concat(keepalived ?? Enumerable.Empty<NodeStep>()));
        }

        /// <summary>Every server's state from the admin socket ("show stat").</summary>
        public static async Task<IReadOnlyList<HaproxyServerStatus>> ReadServersAsync(IRemoteHost host, CancellationToken cancellationToken)
        {
            var stat = await host.RunAsync(new RemoteCommand(HaproxyConfig.ShowStatCommand) { LogStdout = false }, cancellationToken, "show stat")
                .ConfigureAwait(false);
            return HaproxyStatsParser.Parse(stat.Stdout).Where(s => s.IsServer).ToList();
        }

        /// <summary>
        /// Waits until the health checks have settled (health checks need a few intervals after a reload); returns the
        /// last reading either way.
        /// </summary>
        public static async Task<IReadOnlyList<HaproxyServerStatus>> WaitForSettledChecksAsync(IRemoteHost host, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var (servers, _) = await Poll.UntilAsync(() => ReadServersAsync(host, cancellationToken), ChecksSettled, timeout, TimeSpan.FromSeconds(1),
                cancellationToken).ConfigureAwait(false);
            return servers;
        }

        /// <summary>
        /// Settled: exactly one server UP on the primary listener, that server not UP on the replicas listener, and no
        /// server half way between UP and DOWN ("UP 1/3", "DOWN 1/2").
        /// </summary>
        public static bool ChecksSettled(IReadOnlyList<HaproxyServerStatus> servers)
        {
            var primaryUp = servers.Where(s => s.Proxy == HaproxyConfig.PrimaryProxy && s.IsUp).Select(s => s.Server).ToList();
            return primaryUp.Count == 1
                   && !servers.Any(s => s.Proxy == HaproxyConfig.ReplicasProxy && s.Server == primaryUp[0] && s.IsUp)
                   && !servers.Any(s => s.Status.Contains("/"));
        }

        /// <summary>How long every HAProxy node must show the replica settled UP: longer than one check interval of either profile
        /// (inter 2s or 3s), so a check has run since the replica came back, and a failed one would show as "UP 1/3".</summary>
        public static readonly TimeSpan ServingSettle =
            TimeSpan.FromSeconds(Math.Max(PatroniTimingProfile.Default.CheckIntervalSeconds, PatroniTimingProfile.Recipe.CheckIntervalSeconds) + 1);

        /// <summary>
        /// Waits until every HAProxy node routes reads to <paramref name="replica"/> and keeps doing so for <see cref="ServingSettle"/>;
        /// false after the timeout. A stale UP from before the reinitialization, or one half way down, is not enough.
        /// </summary>
        public static async Task<bool> WaitServingReadsAsync(IReadOnlyList<IRemoteHost> proxies, string replica, TimeSpan timeout,
            CancellationToken cancellationToken)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            TimeSpan? servingSince = null;
            while (clock.Elapsed < timeout)
            {
                if (await ServedEverywhereAsync().ConfigureAwait(false))
                {
                    servingSince ??= clock.Elapsed;
                    if (clock.Elapsed - servingSince >= ServingSettle) return true;
                }
                else
                {
                    servingSince = null;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
            }

            return false;

            async Task<bool> ServedEverywhereAsync()
            {
                foreach (var proxy in proxies)
                {
                    try
                    {
                        if (!ServesReads(await ReadServersAsync(proxy, cancellationToken).ConfigureAwait(false), replica))
                        {
                            return false;
                        }
                    }
                    catch (HaPgRemoteException)
                    {
                        return false; // ask again until the timeout
                    }
                }

                return true;
            }
        }

        /// <summary>The replicas listener has <paramref name="replica"/> plainly UP: not DOWN, and not "UP 1/3" (failing its checks).</summary>
        public static bool ServesReads(IEnumerable<HaproxyServerStatus> servers, string replica) =>
            servers.Any(s => s.Proxy == HaproxyConfig.ReplicasProxy && s.Server == replica && s.IsUp && !s.Status.Contains("/"));
    }
}
