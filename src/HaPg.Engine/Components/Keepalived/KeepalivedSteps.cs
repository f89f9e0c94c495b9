using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Steps;

namespace HaPg.Components.Keepalived
{
    /// <summary>A Haproxy node's keepalived: the package, its config validated with keepalived -t before the move, and a reload only on change.</summary>
    public static class KeepalivedSteps
    {
        public static NodeStep[] For(HaPgInventory inventory, HaPgNode node, string networkInterface, string vrrpPassword, int? routerId,
            double advertSeconds = KeepalivedConfig.DefaultAdvertSeconds)
        {
            var config = new FileStep(KeepalivedConfig.Render(inventory, node, networkInterface, vrrpPassword, routerId, advertSeconds));
            return new NodeStep[]
            {
                new PackageStep("keepalived"),
                config,
                new ServiceStep("keepalived", restartWhenChanged: new[] { config }, reloadInsteadOfRestart: true),
            };
        }

        /// <summary>The interface that carries the node's own address; read before the plan, since the config names it.</summary>
        public static async Task<string?> ReadInterfaceAsync(IRemoteHost host, CancellationToken cancellationToken)
        {
            var result = await host.RunAsync(new RemoteCommand(KeepalivedConfig.InterfaceCommand(host.Node)) { Sudo = false }, cancellationToken,
                "find the interface").ConfigureAwait(false);
            return KeepalivedConfig.ParseInterface(result.Stdout);
        }

        /// <summary>The HAProxy nodes that hold the virtual IP now, in inventory order; one that does not answer holds nothing it can serve.</summary>
        public static async Task<IReadOnlyList<string>> ReadHoldersAsync(HaPgInventory inventory, Func<HaPgNode, Task<IRemoteHost>> hostFor,
            CancellationToken cancellationToken)
        {
            var holders = new List<string>();
            foreach (var proxy in inventory.NodesWithRole(HaPgRole.Haproxy))
            {
                try
                {
                    if (await HoldsAsync(await hostFor(proxy).ConfigureAwait(false), inventory, cancellationToken).ConfigureAwait(false))
                    {
                        holders.Add(proxy.Name);
                    }
                }
                catch (HaPgRemoteException)
                {
                }
            }

            return holders;
        }

        /// <summary>Whether the node holds the virtual IP now.</summary>
        public static async Task<bool> HoldsAsync(IRemoteHost host, HaPgInventory inventory, CancellationToken cancellationToken)
        {
            var result = await host.RunAsync(new RemoteCommand(KeepalivedConfig.HoldsCommand(inventory)) { Sudo = false }, cancellationToken,
                "who holds the virtual IP").ConfigureAwait(false);
            return result.Stdout.Trim().Length > 0;
        }
    }
}
