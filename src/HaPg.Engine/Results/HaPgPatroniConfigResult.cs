using System.Collections.Generic;

namespace HaPg.Results
{
    /// <summary>Set-HaPgPatroniConfig's result for one member, with its state once configured.</summary>
    public sealed class HaPgPatroniConfigResult : HaPgResult
    {
        /// <summary>Leader, Replica or Sync Standby, as Patroni reports it.</summary>
        public string ClusterRole { get; set; } = string.Empty;

        public string? State { get; set; }
        public long? Timeline { get; set; }
        public long? LagBytes { get; set; }

        /// <summary>A change needs a PostgreSQL restart; HaPg reports it and does not force it.</summary>
        public bool PendingRestart { get; set; }

        /// <summary>Setting changes found on a re-run and how each was applied (secrets redacted).</summary>
        public List<string> ConfigChanges { get; set; } = new List<string>();
    }
}
