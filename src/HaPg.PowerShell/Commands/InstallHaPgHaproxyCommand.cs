using System;
using System.Management.Automation;
using HaPg.Components.Common;
using HaPg.Inventory;
using HaPg.Operations;
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
            var options = new HaproxyInstallOptions
            {
                Timing = PatroniTimingProfile.Named(Profile),
                StatsBindAddress = StatsBindAddress,
                StatsUser = StatsUser,
                Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
                VirtualRouterId = VirtualRouterId,
                VrrpAdvertInterval = VrrpAdvertInterval,
            };
            new HaproxyInstall(Operation(inventory), options).Run(SelectNodes(inventory, HaPgRole.Haproxy));
        }
    }
}
