using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using HaPg.Components.Common;
using HaPg.Components.Haproxy;
using HaPg.Components.Keepalived;
using HaPg.Components.Tls;
using HaPg.Components.Patroni;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Results;
using HaPg.Steps;

namespace HaPg.Operations
{
    /// <summary>What an HAProxy install is asked for, besides the nodes.</summary>
    public sealed class HaproxyInstallOptions
    {
        /// <summary>Health-check timing; match Patroni's.</summary>
        public PatroniTimingProfile Timing { get; set; } = PatroniTimingProfile.Default;

        /// <summary>The address the stats page listens on; null means the node's own address.</summary>
        public string? StatsBindAddress { get; set; }

        public string StatsUser { get; set; } = "hapg";

        /// <summary>How long to wait for the health checks to settle, and for one node to hold the virtual IP.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>The virtual IP's VRRP group; null derives one from the cluster name.</summary>
        public int? VirtualRouterId { get; set; }

        /// <summary>Seconds between VRRP adverts.</summary>
        public double VrrpAdvertInterval { get; set; } = KeepalivedConfig.DefaultAdvertSeconds;
    }

    /// <summary>
    /// Installs HAProxy on HAProxy nodes and, when the inventory has a virtual IP, keepalived beside it. Before anything changes:
    /// refuses unsupported releases, takes the deployed stats and VRRP passwords (a re-run keeps them), and finds each node's
    /// interface for the virtual IP (a node without one stops the install, HaPg.Keepalived.NoInterface). Then runs each node's
    /// plan, waits for the health checks to settle and, with a virtual IP, for exactly one node to hold it. Writes one
    /// <see cref="HaPgHaproxyResult"/> per node.
    /// </summary>
    public sealed class HaproxyInstall
    {
        public const string Activity = "Installing HAProxy";

        private readonly OperationContext operation;
        private readonly HaproxyInstallOptions options;

        public HaproxyInstall(OperationContext operation, HaproxyInstallOptions options)
        {
            this.operation = operation;
            this.options = options;
        }

        /// <summary>Installs on <paramref name="nodes"/> (HAProxy nodes); returns the results of the nodes that finished.</summary>
        public IReadOnlyList<HaPgResult> Run(IReadOnlyList<HaPgNode> nodes)
        {
            var inventory = operation.Inventory;
            var addresses = new HaproxySettings { StatsBindAddress = options.StatsBindAddress };
            foreach (var node in nodes)
            {
                HaproxyConfig.RequireBindAddresses(node, addresses); // before any host is read
            }

            operation.RequireSupportedPlatform(nodes);
            if (!operation.IsWhatIf)
            {
                operation.AdoptDeployedSecrets(DeployedSecretFile.HaproxyStats, nodes);
            }

            if (!operation.IsWhatIf && inventory.VirtualIP is not null)
            {
                operation.AdoptDeployedSecrets(DeployedSecretFile.Vrrp, nodes);
            }

            SecretGenerator.FillMissing(inventory.Secrets);
            var plans = Plans(nodes, operation.ClusterCa());
            return operation.RunPlans(plans, Activity, async (context, outcomes) =>
            {
                context.SetStatus("waiting for health checks");
                var servers = await HaproxySteps.WaitForSettledChecksAsync(context.Host, options.Timeout, context.CancellationToken).ConfigureAwait(false);
                var result = new HaPgHaproxyResult
                {
                    Servers = servers.ToList(),
                    PrimaryUp = servers.Where(s => s.Proxy == HaproxyConfig.PrimaryProxy && s.IsUp).Select(s => s.Server).ToList(),
                    ReplicasUp = servers.Where(s => s.Proxy == HaproxyConfig.ReplicasProxy && s.IsUp).Select(s => s.Server).ToList(),
                };
                if (result.PrimaryUp.Count != 1)
                {
                    context.WriteWarning($"{result.PrimaryUp.Count} servers UP on the primary listener, expected exactly 1: {string.Join(", ", servers)}");
                }

                if (inventory.VirtualIP is not null)
                {
                    context.SetStatus("waiting for one node to hold the virtual IP");
                    var holders = await WaitForOneHolderAsync(context).ConfigureAwait(false);
                    result.VirtualIP = inventory.VirtualIP;
                    result.HoldsVirtualIP = holders.Contains(context.Node.Name);
                    if (holders.Count != 1)
                    {
                        context.WriteWarning($"the virtual IP {inventory.VirtualIP} is held by {(holders.Count == 0 ? "no node" : string.Join(" and ", holders))}, " +
                            $"expected exactly one after {options.Timeout.TotalSeconds:0.##} s");
                    }
                }

                return result;
            }, HaPgRole.Haproxy, () => new HaPgHaproxyResult());
        }

        /// <summary>
        /// Each node's plan: HAProxy, and with a virtual IP keepalived on the node's interface. Reads the interfaces first (also
        /// under -WhatIf, since the config names them) and warns once when the advert interval leaves VRRP without its password.
        /// </summary>
        private IReadOnlyList<NodePlan> Plans(IReadOnlyList<HaPgNode> nodes, ClusterCa? ca)
        {
            var inventory = operation.Inventory;
            var interfaces = inventory.VirtualIP is null ? new Dictionary<string, string>() : ReadInterfaces(nodes);
            var settings = new HaproxySettings
            {
                Timing = options.Timing,
                StatsBindAddress = options.StatsBindAddress,
                StatsUser = options.StatsUser,
                StatsPassword = inventory.Secrets.HaproxyStatsPassword!.ToPlainText(),
            };
            var vrrpPassword = inventory.Secrets.VrrpPassword!.ToPlainText();
            if (inventory.VirtualIP is not null && KeepalivedConfig.NeedsVersion3(options.VrrpAdvertInterval))
            {
                operation.Sink.WriteWarning($"VRRP adverts every {options.VrrpAdvertInterval:0.##} s need VRRPv3, which carries no authentication: keepalived on " +
                    $"{string.Join(", ", nodes.Select(n => n.Name))} runs without the VRRP password; the firewall admits VRRP from these nodes only.");
            }

            return nodes.Where(n => inventory.VirtualIP is null || interfaces.ContainsKey(n.Name))
                .Select(node => HaproxySteps.For(inventory, node, settings, ca, inventory.VirtualIP is null
                    ? null
                    : KeepalivedSteps.For(inventory, node, interfaces[node.Name], vrrpPassword, options.VirtualRouterId, options.VrrpAdvertInterval)))
                .ToList();
        }

        /// <summary>The HAProxy nodes that hold the virtual IP, once exactly one does or after the timeout.</summary>
        private async Task<IReadOnlyList<string>> WaitForOneHolderAsync(NodeContext context)
        {
            var (holders, _) = await Poll.UntilAsync(() => KeepalivedSteps.ReadHoldersAsync(operation.Inventory, context.HostForAsync, context.CancellationToken),
                h => h.Count == 1, options.Timeout, TimeSpan.FromMilliseconds(500), context.CancellationToken).ConfigureAwait(false);
            return holders;
        }

        /// <summary>Each node's interface for the virtual IP; a node where none carries its address stops the install before any change.</summary>
        private Dictionary<string, string> ReadInterfaces(IReadOnlyList<HaPgNode> nodes)
        {
            var found = operation.Run(nodes, "Finding each node's network interface", async context =>
                    (context.Node.Name, Interface: await KeepalivedSteps.ReadInterfaceAsync(context.Host, context.CancellationToken).ConfigureAwait(false)),
                    writeResults: false)
                .ToDictionary(f => f.Name, f => f.Interface, StringComparer.OrdinalIgnoreCase);
            var missing = nodes.Where(n => found.TryGetValue(n.Name, out var name) && name is null).Select(n => $"{n.Name} ({n.Address})").ToList();
            if (missing.Count > 0)
            {
                throw new HaPgValidationException("HaPg.Keepalived.NoInterface",
                    $"No network interface carries the node's own address on {string.Join(", ", missing)}, so keepalived has nowhere to put " +
                    $"the virtual IP {operation.Inventory.VirtualIP}; the inventory's address must be one the node has.",
                    string.Join(", ", missing), ErrorCategory.ObjectNotFound);
            }

            return found.Where(f => f.Value is not null).ToDictionary(f => f.Key, f => f.Value!, StringComparer.OrdinalIgnoreCase);
        }
    }
}
