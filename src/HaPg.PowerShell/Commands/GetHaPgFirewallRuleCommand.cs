using System.Management.Automation;
using HaPg.Components.Firewall;
using HaPg.Execution;
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
    public sealed class GetHaPgFirewallRuleCommand : PSCmdlet
    {
        /// <summary>The cluster inventory, or the previous HaPg cmdlet's results, which carry it on.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        public HaPgInventory Inventory { get; set; } = null!;

        /// <summary>Limits the rules to the nodes with these names.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public string[]? Node { get; set; }

        private readonly System.Collections.Generic.List<HaPgInventory> seen = new System.Collections.Generic.List<HaPgInventory>();

        protected override void ProcessRecord()
        {
            // Results of a previous cmdlet carry the same inventory once per node: list its rules once.
            if (seen.Exists(i => ReferenceEquals(i, Inventory)))
            {
                return;
            }

            seen.Add(Inventory);
            foreach (var node in NodeRunner.SelectNodes(this, Inventory, Node))
            {
                foreach (var rule in FirewallPlan.ForNode(Inventory, node))
                {
                    WriteObject(rule);
                }
            }
        }
    }
}
