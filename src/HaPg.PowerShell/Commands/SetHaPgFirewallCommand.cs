using System.Management.Automation;
using HaPg.Inventory;
using HaPg.Operations;
using HaPg.Results;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Opens exactly the cluster's ports, from exactly the nodes that need them, on every node.</summary>
    /// <remarks>
    /// <para>Step 1 of the recipe. Patroni's REST API (8008) and PostgreSQL (5432) are opened to the database and HAProxy nodes,
    /// PostgreSQL also to the inventory's client networks; etcd (2379, 2380) to the database nodes and etcd members; HAProxy
    /// (5000, 5001, 7000) to the client networks. Every other port is left as it is.</para>
    /// <para>Where ufw is active (Ubuntu's default) the rules are added with ufw, each with the comment 'hapg:&lt;cluster&gt;'; rules with that
    /// comment that the inventory no longer wants (a node taken out) are deleted, and no other rule is touched. ufw must deny incoming
    /// traffic by default (else HaPg.Firewall.UfwDefaultAllow, unless -SetDefaultDeny), and a rule of the administrator's must already
    /// admit the node's SSH port (else HaPg.Firewall.UfwSshNotAllowed): HaPg adds no SSH rule. Both are checked before a rule changes.
    /// Otherwise HaPg loads its own nftables table,
    /// "inet hapg", from /etc/hapg/firewall.nft through hapg-firewall.service, so it survives reboots and never touches other
    /// tables.</para>
    /// <para>It never locks out SSH: nftables is installed first, the SSH rule comes first, a timer that removes the table is armed before
    /// the rules are written and loaded, and a brand-new SSH session must get in before the timer is disarmed. The loaded table (not only
    /// the file) is compared with the wanted one, by a comment naming its SHA-256; after disarming it is checked again, and a timer that
    /// fired first fails the node (HaPg.Firewall.SafetyTimerFired).</para>
    /// <para>Get-HaPgFirewallRule lists the same rules without touching any host, for a cloud firewall.</para>
    /// <para>Like every installing cmdlet, it first reads each node's release and refuses, before any node changes, nodes on a
    /// release HaPg does not support (HaPg.Platform.Unsupported, all named in one error).</para>
    /// </remarks>
    /// <example>
    /// <code>$inventory | Set-HaPgFirewall</code>
    /// <para>Applies the firewall on every node and returns one result per node.</para>
    /// </example>
    /// <example>
    /// <code>$inventory | Set-HaPgFirewall -WhatIf</code>
    /// <para>Lists, per node, the exact commands and files, and changes nothing.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "HaPgFirewall", SupportsShouldProcess = true)]
    [OutputType(typeof(HaPgFirewallResult))]
    public sealed class SetHaPgFirewallCommand : NodeCmdlet
    {
        /// <summary>
        /// Where ufw is active but admits incoming traffic by default, sets 'ufw default deny incoming' after HaPg's rules are in place, under a
        /// safety timer that sets it back to allow unless a brand-new SSH login gets in first. The administrator's SSH rule must already exist
        /// (HaPg.Firewall.UfwSshNotAllowed otherwise). Without this switch such a node is refused (HaPg.Firewall.UfwDefaultAllow) and nothing on it changes.
        /// </summary>
        [Parameter]
        public SwitchParameter SetDefaultDeny { get; set; }

        protected override void Process(HaPgInventory inventory) =>
            new FirewallApply(Operation(inventory)) { SetDefaultDeny = SetDefaultDeny.IsPresent }.Run(SelectNodes(inventory, HaPgRole.None));
    }
}
