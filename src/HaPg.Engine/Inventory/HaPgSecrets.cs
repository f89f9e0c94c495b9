using System;
using System.Collections.Generic;
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

        /// <summary>The application role's (hapg_app): what clients and Test-HaPgFailover's writer log in with, never the superuser.</summary>
        public SecureString? ApplicationPassword { get; set; }

        /// <summary>keepalived's VRRP authentication (auth_type PASS), which takes 8 characters at most.</summary>
        public SecureString? VrrpPassword { get; set; }

        /// <summary>The longest password VRRP's simple authentication carries.</summary>
        public const int VrrpPasswordLength = 8;

        /// <summary>Every password field, in a stable order, with its key in the secrets file.</summary>
        internal static IReadOnlyList<SecretField> Fields { get; } = new[]
        {
            new SecretField(nameof(SuperuserPassword), "superuserPassword", s => s.SuperuserPassword, (s, v) => s.SuperuserPassword = v),
            new SecretField(nameof(ReplicationPassword), "replicationPassword", s => s.ReplicationPassword, (s, v) => s.ReplicationPassword = v),
            new SecretField(nameof(RewindPassword), "rewindPassword", s => s.RewindPassword, (s, v) => s.RewindPassword = v),
            new SecretField(nameof(RestApiPassword), "restApiPassword", s => s.RestApiPassword, (s, v) => s.RestApiPassword = v),
            new SecretField(nameof(HaproxyStatsPassword), "haproxyStatsPassword", s => s.HaproxyStatsPassword, (s, v) => s.HaproxyStatsPassword = v),
            new SecretField(nameof(ApplicationPassword), "applicationPassword", s => s.ApplicationPassword, (s, v) => s.ApplicationPassword = v),
            new SecretField(nameof(VrrpPassword), "vrrpPassword", s => s.VrrpPassword, (s, v) => s.VrrpPassword = v, VrrpPasswordLength),
        };

        public override string ToString() => "HaPgSecrets (redacted)";

        internal sealed class SecretField
        {
            internal SecretField(string name, string key, Func<HaPgSecrets, SecureString?> get, Action<HaPgSecrets, SecureString> set,
                int length = SecretGenerator.DefaultLength)
            {
                Length = length;
                Name = name;
                Key = key;
                Get = get;
                Set = set;
            }

            internal string Name { get; }

            /// <summary>How many characters a generated one has.</summary>
            internal int Length { get; }
            internal string Key { get; }
            internal Func<HaPgSecrets, SecureString?> Get { get; }
            internal Action<HaPgSecrets, SecureString> Set { get; }
        }
    }
}
