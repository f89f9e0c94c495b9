using System;
using System.Collections.Generic;
using HaPg.Components.Haproxy;
using HaPg.Components.Keepalived;
using HaPg.Components.Patroni;
using HaPg.Components.Postgres;
using HaPg.Inventory;

namespace HaPg.Operations
{
    /// <summary>
    /// A file in which a deployed cluster keeps some of its secrets, and how to take them back. The cluster is the source
    /// of truth: a re-run never rotates a password by accident, and an inventory without its secrets file still drives it.
    /// </summary>
    public sealed class DeployedSecretFile
    {
        /// <summary>Patroni's config.yml on the database nodes: the superuser, replication, rewind and REST API passwords.</summary>
        public static readonly DeployedSecretFile Patroni = new DeployedSecretFile(PatroniConfig.FilePath, HaPgRole.Postgres,
            (secrets, text) => PatroniSteps.Adopt(secrets, PatroniConfig.ReadPasswords(text)));

        /// <summary>haproxy.cfg on the HAProxy nodes: the stats password.</summary>
        public static readonly DeployedSecretFile HaproxyStats = new DeployedSecretFile(HaproxyConfig.FilePath, HaPgRole.Haproxy, (secrets, text) =>
        {
            if (HaproxyConfig.ReadStatsPassword(text) is string deployed)
            {
                secrets.HaproxyStatsPassword = deployed.ToSecureString();
            }
        });

        /// <summary>keepalived.conf on the HAProxy nodes: the VRRP password they share.</summary>
        public static readonly DeployedSecretFile Vrrp = new DeployedSecretFile(KeepalivedConfig.FilePath, HaPgRole.Haproxy, (secrets, text) =>
        {
            if (KeepalivedConfig.ReadPassword(text) is string deployed)
            {
                secrets.VrrpPassword = deployed.ToSecureString();
            }
        });

        /// <summary>The database nodes' application.secret: the application role's password.</summary>
        public static readonly DeployedSecretFile Application = new DeployedSecretFile(ApplicationRole.SecretPath, HaPgRole.Postgres, (secrets, text) =>
        {
            if (ApplicationRole.ReadPassword(text) is string deployed)
            {
                secrets.ApplicationPassword = deployed.ToSecureString();
            }
        });

        private readonly Action<HaPgSecrets, string> adopt;

        private DeployedSecretFile(string path, HaPgRole role, Action<HaPgSecrets, string> adopt)
        {
            Path = path;
            Role = role;
            this.adopt = adopt;
        }

        /// <summary>Every file that holds secrets, so a new secret's home is not forgotten.</summary>
        public static IReadOnlyList<DeployedSecretFile> All { get; } = new[] { Patroni, HaproxyStats, Vrrp, Application };

        public string Path { get; }

        /// <summary>The nodes that have the file.</summary>
        public HaPgRole Role { get; }

        /// <summary>
        /// Takes the secrets <paramref name="deployed"/> (the file's text as deployed) holds into <paramref name="secrets"/>; a
        /// secret the file does not hold is left as it is. Returns false, changing nothing, when there is no deployed file.
        /// </summary>
        public bool Adopt(HaPgSecrets secrets, string? deployed)
        {
            if (string.IsNullOrEmpty(deployed))
            {
                return false;
            }

            adopt(secrets, deployed!);
            return true;
        }

        public override string ToString() => Path;
    }
}
