using System.Diagnostics;

namespace HaPg.Components.Patroni
{
    /// <summary>The passwords in Patroni's config.yml. Plain strings from the caller; never printed.</summary>
    [DebuggerDisplay("{ToString(),nq}")]
    public sealed class PatroniPasswords
    {
        public string? Superuser { get; set; }
        public string? Replication { get; set; }
        public string? Rewind { get; set; }
        public string? RestApi { get; set; }

        public override string ToString() => "PatroniPasswords (redacted)";
    }
}
