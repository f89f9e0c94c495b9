using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Patroni;
using HaPg.Inventory;
using HaPg.Remote;

namespace HaPg.Failover.Scenarios
{
    /// <summary>
    /// What a scenario's target choice, fault, heal and rejoin check may use: the cluster as it was before the fault, the
    /// nodes' hosts, the pipeline thread (for the user's script blocks), and the run's options and event log.
    /// </summary>
    public sealed class FailoverScenarioContext
    {
        private readonly Func<HaPgNode, Task<IRemoteHost>> hostFor;
        private readonly Func<Action, Task> onPipelineThread;

        /// <summary>
        /// <paramref name="anchor"/> is the node the run is reported on, which refusals name; <paramref name="members"/> are
        /// Patroni's before the fault, <paramref name="leader"/> among them; <paramref name="virtualIPHolder"/> is the HAProxy
        /// node that alone held the virtual IP then, if any.
        /// </summary>
        public FailoverScenarioContext(HaPgInventory inventory, HaPgNode anchor, FailoverOptions options, FailoverEventLog events,
            IReadOnlyList<PatroniMember> members, PatroniMember leader, string? virtualIPHolder,
            Func<HaPgNode, Task<IRemoteHost>> hostFor, Func<Action, Task> onPipelineThread, CancellationToken cancellationToken)
        {
            Inventory = inventory ?? throw new ArgumentNullException(nameof(inventory));
            Anchor = anchor ?? throw new ArgumentNullException(nameof(anchor));
            Options = options ?? throw new ArgumentNullException(nameof(options));
            Events = events ?? throw new ArgumentNullException(nameof(events));
            Members = members ?? throw new ArgumentNullException(nameof(members));
            Leader = leader ?? throw new ArgumentNullException(nameof(leader));
            VirtualIPHolder = virtualIPHolder;
            this.hostFor = hostFor ?? throw new ArgumentNullException(nameof(hostFor));
            this.onPipelineThread = onPipelineThread ?? throw new ArgumentNullException(nameof(onPipelineThread));
            CancellationToken = cancellationToken;
        }

        public HaPgInventory Inventory { get; }
        public HaPgNode Anchor { get; }
        public FailoverOptions Options { get; }
        public FailoverEventLog Events { get; }
        public IReadOnlyList<PatroniMember> Members { get; }
        public PatroniMember Leader { get; }
        public string? VirtualIPHolder { get; }

        /// <summary>Cancelled on Ctrl+C.</summary>
        public CancellationToken CancellationToken { get; }

        /// <summary>The pooled connection to <paramref name="node"/>.</summary>
        public Task<IRemoteHost> HostForAsync(HaPgNode node) => hostFor(node);

        /// <summary>Runs <paramref name="action"/> on the pipeline thread, where script blocks run, and waits for it.</summary>
        public Task RunOnPipelineThreadAsync(Action action) => onPipelineThread(action);
    }
}
