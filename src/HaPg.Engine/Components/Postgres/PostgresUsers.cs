namespace HaPg.Components.Postgres
{
    /// <summary>The database roles Patroni and HaPg use. Names only; passwords travel separately.</summary>
    public sealed class PostgresUsers
    {
        public string Superuser { get; set; } = "postgres";
        public string Replication { get; set; } = "replicator";
        public string Rewind { get; set; } = "rewind_user";

        /// <summary>The application role clients (and Test-HaPgFailover's writer) use: no superuser, its own schema.</summary>
        public string Application { get; set; } = "hapg_app";
    }
}
