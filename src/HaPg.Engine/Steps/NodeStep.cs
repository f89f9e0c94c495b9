using System.Collections.Generic;
using System.Threading.Tasks;

namespace HaPg.Steps
{
    /// <summary>
    /// One desired-state step on one node. It reads the current state first and changes only what differs.
    /// </summary>
    public abstract class NodeStep
    {
        protected NodeStep(string name) => Name = name;

        /// <summary>Short name, shown in progress, verbose lines and errors (e.g. "write /etc/default/etcd").</summary>
        public string Name { get; }

        /// <summary>The exact commands and files this step may run or write, for -WhatIf.</summary>
        public abstract IEnumerable<string> Describe();

        public abstract Task<StepOutcome> ApplyAsync(StepContext context);

        public override string ToString() => Name;
    }
}
