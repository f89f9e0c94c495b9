using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using HaPg.Remote;

namespace HaPg.Steps
{
    /// <summary>What a step sees while it runs on one node: the host, cancellation, and earlier steps' outcomes.</summary>
    public sealed class StepContext
    {
        private readonly List<StepOutcome> outcomes = new List<StepOutcome>();

        public StepContext(IRemoteHost host, CancellationToken cancellationToken, Action<string>? verbose = null)
        {
            Host = host;
            CancellationToken = cancellationToken;
            Verbose = verbose ?? (_ => { });
        }

        public IRemoteHost Host { get; }
        public CancellationToken CancellationToken { get; }
        public Action<string> Verbose { get; }
        public IReadOnlyList<StepOutcome> Outcomes => outcomes;

        public bool AnyChanged(IEnumerable<string> stepNames) =>
            outcomes.Any(o => o.Changed && stepNames.Contains(o.Step, StringComparer.Ordinal));

        internal void Record(StepOutcome outcome) => outcomes.Add(outcome);
    }
}
