using HaPg.Components.Common;
using HaPg.Components.Postgres;

namespace HaPg.Components.Patroni
{
    public enum SynchronousMode
    {
        /// <summary>Asynchronous replication (Patroni default).</summary>
        Off,

        /// <summary>synchronous_mode: only a sync standby (or the last leader) may be promoted.</summary>
        On,

        /// <summary>synchronous_mode_strict as well: writes block while no sync standby exists.</summary>
        Strict,
    }

    /// <summary>What HaPg lets the caller choose for Patroni; everything else is fixed by HaPg.</summary>
    public sealed class PatroniSettings
    {
        public PatroniTimingProfile Timing { get; set; } = PatroniTimingProfile.Default;
        public SynchronousMode Synchronous { get; set; } = SynchronousMode.Off;

        /// <summary>Keep the primary up while etcd is down, if every member confirms it (Patroni 3.0+).</summary>
        public bool FailsafeMode { get; set; } = true;

        /// <summary>Bytes a replica may lag and still be promoted.</summary>
        public long MaximumLagOnFailover { get; set; } = 1048576;

        public int MaxConnections { get; set; } = 100;
        public int MaxWalSenders { get; set; } = 10;
        public int MaxReplicationSlots { get; set; } = 10;

        public PostgresUsers Users { get; set; } = new PostgresUsers();

        /// <summary>Basic-auth user for the REST API's unsafe methods (PATCH/POST/PUT/DELETE).</summary>
        public string RestApiUser { get; set; } = "patroni";
    }
}
