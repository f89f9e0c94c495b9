namespace HaPg.Results
{
    /// <summary>Install-HaPgPatroni's result for one database node.</summary>
    public sealed class HaPgPatroniInstallResult : HaPgResult
    {
        public int PostgresVersion { get; set; }

        /// <summary>PostgreSQL's bin directory, set as Patroni's postgresql.bin_dir.</summary>
        public string BinDir { get; set; } = string.Empty;

        public string? PatroniVersion { get; set; }
    }
}
