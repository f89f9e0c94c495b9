using System.Diagnostics;
using HaPg.Components.Common;

namespace HaPg.Components.Haproxy
{
    /// <summary>Caller's choices for haproxy.cfg. The stats password is a plain string from the caller; never printed.</summary>
    [DebuggerDisplay("{ToString(),nq}")]
    public sealed class HaproxySettings
    {
        public PatroniTimingProfile Timing { get; set; } = PatroniTimingProfile.Default;

        /// <summary>Address for the 5000/5001 listeners; null means the node's own address.</summary>
        public string? BindAddress { get; set; }

        /// <summary>Address for the stats page; null means the node's own address.</summary>
        public string? StatsBindAddress { get; set; }

        public string StatsUser { get; set; } = "hapg";
        public string? StatsPassword { get; set; }

        /// <summary>Per-server connection cap on the PostgreSQL backends.</summary>
        public int ServerMaxConn { get; set; } = 100;

        public override string ToString() => $"HaproxySettings (stats user {StatsUser}, password redacted)";
    }
}
