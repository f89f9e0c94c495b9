using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using HaPg.Components.Common;
using HaPg.Components.Haproxy;
using HaPg.Components.Keepalived;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Installs HAProxy in front of the cluster: writes on 5000 go to the leader, reads on 5001 to the replicas, stats on 7000.</summary>
    /// <remarks>
    /// <para>Steps 5 and 8 of the recipe. Each server is health-checked against Patroni's REST API: /primary for 5000, /replica
    /// for 5001, with on-marked-down shutdown-sessions so clients of a demoted leader are cut at once. The stats page asks for
    /// a user and a generated password and listens on the node's own address (or -StatsBindAddress), not on every interface.</para>
    /// <para>The new haproxy.cfg is checked with haproxy -c before it replaces the old one, and HAProxy is reloaded only when it
    /// changed. Returns the backend states per node.</para>
    /// <para>When the inventory has a virtual IP (New-HaPgInventory -VirtualIP), every HAProxy node also listens on it (bind
    /// ... transparent) and runs keepalived: one VRRP instance with unicast peers, every node BACKUP with nopreempt so the
    /// address does not flap back, a check that gives the address up while haproxy is not running, and VRRP authentication
    /// with the generated VRRP password. keepalived.conf (0600) is checked with keepalived -t before it replaces the old one,
    /// and keepalived is reloaded only when it changed. The install waits until exactly one node holds the address and says
    /// which (HoldsVirtualIP). Set-HaPgFirewall admits VRRP between the HAProxy nodes only.</para>
    /// </remarks>
    /// <example>
    /// <code>$inventory | Install-HaPgHaproxy</code>
    /// <para>Installs HAProxy on the Haproxy nodes and shows which server is UP on 5000 and 5001.</para>
    /// </example>
    /// <example>
    /// <code>$inventory | Install-HaPgHaproxy -Profile Recipe -StatsBindAddress 127.0.0.1</code>
    /// <para>Uses the recipe's check timing (inter 3s fall 3 rise 2) and keeps the stats page local.</para>
    /// </example>
    /// <example>
    /// <code>$inventory | Install-HaPgHaproxy | Format-Table Node, VirtualIP, HoldsVirtualIP, PrimaryUp</code>
    /// <para>With an inventory made with -VirtualIP: HAProxy and keepalived on every HAProxy node, and which one holds the address.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Install, "HaPgHaproxy", SupportsShouldProcess = true)]
    [OutputType(typeof(HaPgHaproxyResult))]
    public sealed class InstallHaPgHaproxyCommand : NodeCmdlet
    {
        /// <summary>
        /// Health-check timing: Default (inter 2s fastinter 250ms downinter 250ms fall 3 rise 1: a new leader takes
        /// traffic within 0.25 s, a lost packet does not mark a server down) or Recipe (inter 3s fall 3 rise 2).
        /// Match Set-HaPgPatroniConfig's.
        /// </summary>
        [Parameter]
        [ValidateSet("Default", "Recipe")]
        public string Profile { get; set; } = "Default";

        /// <summary>The address the stats page listens on. By default the node's own address.</summary>
        [Parameter]
        public string? StatsBindAddress { get; set; }

        /// <summary>The stats page's user name. Its password is generated and kept with the cluster's secrets.</summary>
        [Parameter]
        [ValidatePattern("^[A-Za-z0-9_.-]{1,32}$")]
        public string StatsUser { get; set; } = "hapg";

        /// <summary>How long to wait for the health checks to settle (exactly one server UP on 5000, and not on 5001), in seconds.</summary>
        [Parameter]
        [ValidateRange(5, 600)]
        public int TimeoutSeconds { get; set; } = 60;

        /// <summary>
        /// The VRRP group (virtual_router_id, 1-255) of the virtual IP; it must differ from every other VRRP group on the network.
        /// By default one derived from the cluster name.
        /// </summary>
        [Parameter]
        [ValidateRange(1, 255)]
        public int? VirtualRouterId { get; set; }

        /// <summary>
        /// Seconds between VRRP adverts (0.1 to 10, default 1). A backup takes the virtual IP 3 adverts after the holder's
        /// last, so 1 s costs about 3 s of write downtime when the holder dies. Below 1 s keepalived speaks VRRPv3, which has no
        /// authentication: the VRRP password is not used then (one warning says so), and only the firewall (VRRP from the other
        /// HAProxy nodes only) keeps strangers out.
        /// </summary>
        [Parameter]
        [ValidateRange(0.1, 10.0)]
        public double VrrpAdvertInterval { get; set; } = 1;

        protected override void Process(HaPgInventory inventory)
        {
            var nodes = SelectNodes(inventory, HaPgRole.Haproxy);
            var settings = new HaproxySettings
            {
                Timing = PatroniTimingProfile.Named(Profile),
                StatsBindAddress = StatsBindAddress,
                StatsUser = StatsUser,
            };
            foreach (var node in nodes)
            {
                HaproxyConfig.RequireBindAddresses(node, settings); // before any host is read
            }

            RequireSupportedPlatform(inventory, nodes);
            if (!IsWhatIf)
            {
                AdoptDeployedStatsPassword(inventory, nodes);
            }

            if (!IsWhatIf && inventory.VirtualIP is not null)
            {
                AdoptDeployedVrrpPassword(inventory, nodes);
            }

            SecretGenerator.FillMissing(inventory.Secrets);
            var interfaces = inventory.VirtualIP is null ? new Dictionary<string, string>() : ReadInterfaces(inventory, nodes);
            settings.StatsPassword = inventory.Secrets.HaproxyStatsPassword!.ToPlainText();
            var vrrpPassword = inventory.Secrets.VrrpPassword!.ToPlainText();
            if (inventory.VirtualIP is not null && KeepalivedConfig.NeedsVersion3(VrrpAdvertInterval))
            {
                WriteWarning($"VRRP adverts every {VrrpAdvertInterval:0.##} s need VRRPv3, which carries no authentication: keepalived on " +
                    $"{string.Join(", ", nodes.Select(n => n.Name))} runs without the VRRP password; the firewall admits VRRP from these nodes only.");
            }

            var plans = nodes.Where(n => inventory.VirtualIP is null || interfaces.ContainsKey(n.Name))
                .Select(node => HaproxySteps.For(inventory, node, settings, inventory.VirtualIP is null
                    ? null
                    : KeepalivedSteps.For(inventory, node, interfaces[node.Name], vrrpPassword, VirtualRouterId, VrrpAdvertInterval)))
                .ToList();
            RunPlans(inventory, plans, "Installing HAProxy", async (context, outcomes) =>
            {
                context.SetStatus("waiting for health checks");
                var servers = await HaproxySteps.WaitForSettledChecksAsync(context.Host, TimeSpan.FromSeconds(TimeoutSeconds), context.CancellationToken)
                    .ConfigureAwait(false);
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
                    var holders = await WaitForOneHolderAsync(inventory, context).ConfigureAwait(false);
                    result.VirtualIP = inventory.VirtualIP;
                    result.HoldsVirtualIP = holders.Contains(context.Node.Name);
                    if (holders.Count != 1)
                    {
                        context.WriteWarning($"the virtual IP {inventory.VirtualIP} is held by {(holders.Count == 0 ? "no node" : string.Join(" and ", holders))}, " +
                            $"expected exactly one after {TimeoutSeconds} s");
                    }
                }

                return result;
            }, HaPgRole.Haproxy, () => new HaPgHaproxyResult());
        }

        /// <summary>The HAProxy nodes that hold the virtual IP, once exactly one does or after the timeout.</summary>
        private async Task<IReadOnlyList<string>> WaitForOneHolderAsync(HaPgInventory inventory, NodeContext context)
        {
            var (holders, _) = await Poll.UntilAsync(() => KeepalivedSteps.ReadHoldersAsync(inventory, context.HostForAsync, context.CancellationToken),
                h => h.Count == 1, TimeSpan.FromSeconds(TimeoutSeconds), TimeSpan.FromMilliseconds(500), context.CancellationToken).ConfigureAwait(false);
            return holders;
        }

        /// <summary>Each node's interface for the virtual IP; a node where none carries its address stops the install before any change.</summary>
        private Dictionary<string, string> ReadInterfaces(HaPgInventory inventory, IReadOnlyList<HaPgNode> nodes)
        {
            var found = Runner.Run(inventory, nodes, ThrottleLimit, "Finding each node's network interface", async context =>
                    (context.Node.Name, Interface: await KeepalivedSteps.ReadInterfaceAsync(context.Host, context.CancellationToken).ConfigureAwait(false)),
                    writeResults: false)
                .ToDictionary(f => f.Name, f => f.Interface, StringComparer.OrdinalIgnoreCase);
            var missing = nodes.Where(n => found.TryGetValue(n.Name, out var name) && name is null).Select(n => $"{n.Name} ({n.Address})").ToList();
            if (missing.Count > 0)
            {
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(
                        $"No network interface carries the node's own address on {string.Join(", ", missing)}, so keepalived has nowhere to put " +
                        $"the virtual IP {inventory.VirtualIP}; the inventory's address must be one the node has."),
                    "HaPg.Keepalived.NoInterface", ErrorCategory.ObjectNotFound, string.Join(", ", missing)));
            }

            return found.Where(f => f.Value is not null).ToDictionary(f => f.Key, f => f.Value!, StringComparer.OrdinalIgnoreCase);
        }

        /// <summary>The nodes share one VRRP password: a re-run keeps the deployed one.</summary>
        private void AdoptDeployedVrrpPassword(HaPgInventory inventory, IReadOnlyList<HaPgNode> nodes)
        {
            var config = ReadDeployedFile(inventory, nodes, KeepalivedConfig.FilePath);
            var deployed = config is null ? null : KeepalivedConfig.ReadPassword(config);
            if (deployed is not null)
            {
                inventory.Secrets.VrrpPassword = deployed.ToSecureString();
            }
        }

        /// <summary>The cluster is the source of truth for its secrets: a re-run keeps the deployed stats password.</summary>
        private void AdoptDeployedStatsPassword(HaPgInventory inventory, System.Collections.Generic.IReadOnlyList<HaPgNode> nodes)
        {
            var config = ReadDeployedFile(inventory, nodes, HaproxyConfig.FilePath);
            var deployed = config is null ? null : HaproxyConfig.ReadStatsPassword(config);
            if (deployed is not null)
            {
                inventory.Secrets.HaproxyStatsPassword = deployed.ToSecureString();
            }
        }
    }
}
