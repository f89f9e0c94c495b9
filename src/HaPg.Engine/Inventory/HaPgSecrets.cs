using System.Security;

namespace HaPg.Inventory
{
    /// <summary>
    /// Passwords HaPg generates for the cluster. Held in memory only; never written to the inventory YAML.
    /// Export-HaPgInventory -SecretsPath writes them, on request, to a separate file of mode 0600.
    /// </summary>
    public sealed class HaPgSecrets
    {
        public SecureString? SuperuserPassword { get; set; }
        public SecureString? ReplicationPassword { get; set; }
        public SecureString? RewindPassword { get; set; }
        public SecureString? RestApiPassword { get; set; }
        public SecureString? HaproxyStatsPassword { get; set; }

        public override string ToString() => "HaPgSecrets (redacted)";
    }
}
