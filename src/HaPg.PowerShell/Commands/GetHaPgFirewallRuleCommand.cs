using System.Management.Automation;
using HaPg.Components.Firewall;
using HaPg.Inventory;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Lists the firewall rules the cluster needs, per node, without touching any host.</summary>
    /// <remarks>
    /// <para>The same rules Set-HaPgFirewall applies: one object per node, service and port, with the sources allowed to reach it.
    /// Use it to set a cloud or perimeter firewall by hand.</para>
    /// </remarks>
    /// <example>
    /// <code>$inventory | Get-HaPgFirewallRule | Format-Table</code>
    /// <para>Shows every rule as a table.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "HaPgFirewallRule")]
    [OutputType(typeof(FirewallRule))]
    public sealed class GetHaPgFirewallRuleCommand : InventoryCmdlet
    {
        protected override void Process(HaPgInventory inventory)
        {
            foreach (var node in SelectNodes(inventory, HaPgRole.None))
            {
                foreach (var rule in FirewallPlan.ForNode(inventory, node))
                {
                    WriteObject(rule);
                }
            }
        }
    }
}
