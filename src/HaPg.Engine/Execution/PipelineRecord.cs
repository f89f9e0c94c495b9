using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using HaPg.Remote;

namespace HaPg.Execution
{
    /// <summary>
    /// What the HaPg cmdlets of one pipeline left undone on an inventory's nodes: the steps that failed, and those not
    /// run (-WhatIf, or declined), so that later cmdlets do not build on them. There is one per inventory and pipeline,
    /// as there is one connection pool: it lives as long as that pool, which the pipeline's cmdlets share. Thread-safe.
    /// </summary>
    public sealed class PipelineRecord
    {
        private static readonly ConditionalWeakTable<ConnectionPool, PipelineRecord> Records = new ConditionalWeakTable<ConnectionPool, PipelineRecord>();

        private readonly List<(string Entry, bool Failed)> undone = new List<(string, bool)>();

        /// <summary>The record of the pipeline whose cmdlets share <paramref name="pool"/>.</summary>
        public static PipelineRecord Of(ConnectionPool pool) => Records.GetValue(pool, _ => new PipelineRecord());

        /// <summary>What failed so far ("node-4: Installing etcd").</summary>
        public IReadOnlyList<string> Failures => Entries(failed: true);

        /// <summary>What was not run so far ("node-4: Installing etcd"): shown under -WhatIf, or declined.</summary>
        public IReadOnlyList<string> NotDone => Entries(failed: false);

        /// <summary>Notes that <paramref name="node"/> failed in <paramref name="activity"/>.</summary>
        public void RecordFailure(string node, string activity) => Add(node, activity, failed: true);

        /// <summary>Notes that <paramref name="activity"/> did not run on <paramref name="node"/> (-WhatIf, or declined).</summary>
        public void RecordNotDone(string node, string activity) => Add(node, activity, failed: false);

        /// <summary>
        /// Why a later cmdlet must not build on this pipeline's earlier steps, or null when nothing is undone. After a
        /// failure it names everything undone, in order, the steps not run marked "(not run)".
        /// </summary>
        public string? StopReason()
        {
            lock (undone)
            {
                if (undone.Any(u => u.Failed))
                {
                    var all = string.Join("; ", undone.Select(u => u.Failed ? u.Entry : u.Entry + " (not run)"));
                    return $"Skipped: an earlier step of this pipeline failed ({all}). Fix that and run the pipeline again.";
                }

                return undone.Count == 0
                    ? null
                    : $"Skipped: an earlier step of this pipeline was not run, under -WhatIf or declined ({string.Join("; ", undone.Select(u => u.Entry))}). " +
                      "Run the pipeline again without -WhatIf.";
            }
        }

        private void Add(string node, string activity, bool failed)
        {
            lock (undone)
            {
                undone.Add(($"{node}: {activity}", failed));
            }
        }

        private IReadOnlyList<string> Entries(bool failed)
        {
            lock (undone)
            {
                return undone.Where(u => u.Failed == failed).Select(u => u.Entry).ToArray();
            }
        }
    }
}
