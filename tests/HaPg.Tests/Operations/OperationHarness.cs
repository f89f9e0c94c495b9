using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading.Tasks;
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
        /// <summary>NodePlatform.ReadCommand's output on a supported node: Debian 13, PostgreSQL 17 and Patroni 4.0.7 from apt.</summary>
        public const string Debian13 = "ID=debian\nVERSION_ID=\"13\"\nVERSION_CODENAME=trixie\n--- apt\n" +
            "postgresql:\n  Installed: 17+278\n  Candidate: 17+278\npatroni:\n  Installed: 4.0.7-1\n  Candidate: 4.0.7-1\n";

        public OperationHarness(HaPgInventory inventory, string stepName = "Test-Operation")
        {
            Inventory = inventory;
            foreach (var node in inventory.Nodes)
            {
                Hosts[node.Name] = new RecordingHost(node);
            }

            Runner = new NodeRunner(Sink, i => ConnectionPool.Over(i, node => Hosts[node.Name], (node, ct) =>
            {
                FreshLogins.Enqueue(node.Name);
                return FreshLogin(node);
            }));
            Context = new OperationContext(inventory, Runner, stepName);
        }

        public HaPgInventory Inventory { get; }

        public Dictionary<string, RecordingHost> Hosts { get; } = new Dictionary<string, RecordingHost>(StringComparer.OrdinalIgnoreCase);

        public RecordingSink Sink { get; } = new RecordingSink();

        /// <summary>Stands for a brand-new login to a node (the firewall's proof); by default it gets in.</summary>
        public Func<HaPgNode, Task> FreshLogin { get; set; } = _ => Task.CompletedTask;

        /// <summary>The nodes a fresh login was opened to, in order.</summary>
        public ConcurrentQueue<string> FreshLogins { get; } = new ConcurrentQueue<string>();

        public NodeRunner Runner { get; }

        public OperationContext Context { get; }

        public void Dispose() => Runner.Dispose();
    }
}
