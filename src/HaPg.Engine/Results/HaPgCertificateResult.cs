using System;
using System.Collections.Generic;

namespace HaPg.Results
{
    /// <summary>Update-HaPgCertificate's result for one node: what was issued, and what the writer saw meanwhile.</summary>
    public sealed class HaPgCertificateResult : HaPgResult
    {
        /// <summary>Each certificate file issued anew, with its expiry.</summary>
        public List<string> Certificates { get; set; } = new List<string>();

        /// <summary>The earliest expiry among the node's new certificates.</summary>
        public DateTimeOffset? NotAfter { get; set; }

        /// <summary>The longest time without an acknowledged write while this node rotated (about 1/rate when nothing stalled); null when not measured.</summary>
        public TimeSpan? LongestWriteGap { get; set; }

        /// <summary>Writes acknowledged during the whole rotation that the database does not hold; null when not measured.</summary>
        public int? LostWrites { get; set; }
    }
}
