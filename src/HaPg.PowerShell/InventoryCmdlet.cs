using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Remote;

namespace HaPg.PowerShell
{
    /// <summary>
    /// The parameters and lifecycle every cmdlet shares that works on an inventory's nodes: it collects the inventories
    /// it is given (directly, or by property name from the previous cmdlet's results, which carry the same inventory once
    /// per node), and does its work once per inventory when its input ends, on the nodes -Node selects. Each inventory is
    /// validated again when it first arrives (the validator's errors, with their ids, end the cmdlet before any host is touched).
    /// <see cref="NodeCmdlet"/> adds what reaching the nodes over SSH needs; a cmdlet that never connects derives from this.
    /// The rules on public types in <see cref="NodeCmdlet"/>'s summary hold here too.
    /// </summary>
    public abstract class InventoryCmdlet : PSCmdlet
    {
        private readonly List<HaPgInventory> inventories = new List<HaPgInventory>();

        /// <summary>
        /// The cluster inventory from New-HaPgInventory or Import-HaPgInventory, or the previous HaPg cmdlet's
        /// results, which carry it on.
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        public HaPgInventory Inventory { get; set; } = null!;

        /// <summary>Limits the work to the nodes with these names. By default every node the step applies to.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Node { get; set; }

        /// <summary>The inventories given so far, each once, in the order they came.</summary>
        protected IReadOnlyList<HaPgInventory> Inventories => inventories;

        /// <summary>The name results carry in their Step property, e.g. "Install-HaPgEtcd".</summary>
        protected string CommandName => MyInvocation.MyCommand.Name;

        protected override void ProcessRecord()
        {
            if (!inventories.Any(i => ReferenceEquals(i, Inventory)))
            {
                // The inventory is a mutable object: validate it again, once, before anything acts on it (a pool, a host, a file).
                InventoryPreflight.ThrowOnErrors(this, InventoryValidator.Validate(Inventory, File.Exists).Where(i => !InventoryValidator.IsShapeCheck(i.Id)).ToList());
                inventories.Add(Inventory);
                OnFirstInput(Inventory);
            }
        }

        protected override void EndProcessing()
        {
            foreach (var inventory in inventories.Where(i => !Skip(i)))
            {
                try
                {
                    BeforeProcess(inventory);
                    Process(inventory);
                }
                catch (HaPgException ex)
                {
                    // An engine error on this thread (a check, or a plan being built) ends the cmdlet with its own id.
                    ThrowTerminatingError(Redacted(ex, inventory));
                }
            }
        }

        /// <summary>True to leave an inventory out; NodeCmdlet does when an earlier step of the pipeline failed.</summary>
        protected virtual bool Skip(HaPgInventory inventory) => false;

        /// <summary>
        /// The exception's ErrorRecord with the inventory's secrets masked everywhere: in ErrorDetails, in Exception.Message
        /// and in every inner exception's message (a redacted copy replaces any that held one).
        /// </summary>
        private static ErrorRecord Redacted(HaPgException exception, HaPgInventory inventory)
        {
            var clean = exception.Redacted(Redactor.For(inventory).Redact);
            var record = clean.ToErrorRecord();
            record.ErrorDetails = new ErrorDetails(clean.Message);
            return record;
        }

        /// <summary>Called on the pipeline thread just before <see cref="Process"/>; NodeCmdlet confirms unknown host keys there.</summary>
        protected virtual void BeforeProcess(HaPgInventory inventory)
        {
        }

        /// <summary>Called once for each inventory, when it first arrives.</summary>
        protected virtual void OnFirstInput(HaPgInventory inventory)
        {
        }

        /// <summary>Does the cmdlet's work for one inventory.</summary>
        protected abstract void Process(HaPgInventory inventory);

        /// <summary>
        /// The nodes with <paramref name="role"/> (every node for <see cref="HaPgRole.None"/>), limited by -Node, in
        /// inventory order. An unknown name is a terminating HaPg.Inventory.UnknownNode error, before any host is touched.
        /// </summary>
        protected IReadOnlyList<HaPgNode> SelectNodes(HaPgInventory inventory, HaPgRole role) =>
            NodeRunner.SelectNodes(this, inventory, Node).Where(n => role == HaPgRole.None || n.HasRole(role)).ToList();
    }
}
