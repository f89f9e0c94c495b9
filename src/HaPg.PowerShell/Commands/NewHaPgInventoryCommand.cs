using System.Management.Automation;
using HaPg.Inventory;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Describes a cluster: its nodes, their roles, and how HaPg reaches them.</summary>
    /// <remarks>
    /// <para>Validation runs before any host is touched.</para>
    /// </remarks>
    /// <example>
    /// <code>New-HaPgInventory -ClusterName pg</code>
    /// <para>Creates an empty inventory named pg.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "HaPgInventory")]
    [OutputType(typeof(HaPgInventory))]
    public sealed class NewHaPgInventoryCommand : PSCmdlet
    {
        /// <summary>The Patroni scope of the cluster.</summary>
        [Parameter]
        public string ClusterName { get; set; } = "hapg";

        protected override void EndProcessing() => WriteObject(new HaPgInventory { ClusterName = ClusterName });
    }
}
