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
    /// <para>Where ufw is active (Ubuntu's default) the rules are added with ufw. Otherwise HaPg loads its own nftables table,
    /// "inet hapg", from /etc/hapg/firewall.nft through hapg-firewall.service, so it survives reboots and never touches other
    /// tables.</para>
    /// <para>It never locks out SSH: the SSH rule comes first, a timer that removes the table is armed before loading it, and a
    /// brand-new SSH session must get in before the timer is disarmed.</para>
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
        protected override void Process(HaPgInventory inventory) =>
            new FirewallApply(Operation(inventory)).Run(SelectNodes(inventory, HaPgRole.None));
    }
}
