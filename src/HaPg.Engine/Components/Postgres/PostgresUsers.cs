namespace HaPg.Components.Postgres
{
    /// <summary>The database roles Patroni uses. Names only; passwords travel separately.</summary>
    public sealed class PostgresUsers
    {
        public string Superuser { get; set; } = "postgres";
        public string Replication { get; set; } = "replicator";
        public string Rewind { get; set; } = "rewind_user";
    }
}
