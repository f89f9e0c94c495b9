using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
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
        public static NodePlan For(HaPgInventory inventory, HaPgNode node, HaproxySettings settings, IEnumerable<NodeStep>? keepalived = null)
        {
            var config = new FileStep(HaproxyConfig.Render(inventory, node, settings));
            return new NodePlan(node, new NodeStep[]
            {
                new PackageStep("haproxy", "socat"),
                config,
                new ServiceStep("haproxy", restartWhenChanged: new[] { config.Name }, reloadInsteadOfRestart: true),
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
    }
}
