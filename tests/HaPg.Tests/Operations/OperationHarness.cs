using System;
using System.Collections.Generic;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Operations;
using HaPg.Remote;
using HaPg.Tests.Steps;

namespace HaPg.Tests.Operations
{
    /// <summary>
    /// An operation's world without SSH: one <see cref="RecordingHost"/> per node, a <see cref="RecordingSink"/>, and
    /// the real runner and plan logic between them.
    /// </summary>
    internal sealed class OperationHarness : IDisposable
    {
        public OperationHarness(HaPgInventory inventory, string stepName = "Test-Operation")
        {
            Inventory = inventory;
            foreach (var node in inventory.Nodes)
            {
                Hosts[node.Name] = new RecordingHost(node);
            }

            Runner = new NodeRunner(Sink, i => ConnectionPool.Over(i, node => Hosts[node.Name]));
            Context = new OperationContext(inventory, Runner, stepName);
        }

        public HaPgInventory Inventory { get; }

        public Dictionary<string, RecordingHost> Hosts { get; } = new Dictionary<string, RecordingHost>(StringComparer.OrdinalIgnoreCase);

        public RecordingSink Sink { get; } = new RecordingSink();

        public NodeRunner Runner { get; }

        public OperationContext Context { get; }

        public void Dispose() => Runner.Dispose();
    }
}
