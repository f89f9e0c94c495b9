using HaPg.Components.Postgres;
using HaPg.Components.Tls;
using HaPg.Inventory;
using HaPg.Steps;

namespace HaPg.Components.Patroni
{
    /// <summary>
    /// A member's configuration plan: its data directory (0700 postgres), config.yml (0600 postgres), the systemd
    /// unit, and the service running. A changed config is applied by reload (HUP), never by a restart.
    /// </summary>
    public static class PatroniSteps
    {
        public static NodePlan Configure(HaPgInventory inventory, HaPgNode node, int postgresMajor, PatroniSettings settings, PatroniPasswords passwords,
            ClusterCa? ca, string applicationPassword)
        {
            var certificate = new CertificateStep(ca, inventory, node, TlsIdentity.Postgres);
            var config = new FileStep(PatroniConfig.Render(inventory, node, postgresMajor, settings, passwords));
            var unit = new FileStep(PatroniService.RenderUnit(node.HasRole(HaPgRole.Etcd)));
            return new NodePlan(node, new NodeStep[]
            {
                new CommandStep(PostgresHost.DataDirChange(postgresMajor, inventory.ClusterName)),
                certificate,
                new FileStep(ApplicationRole.SecretFile(applicationPassword)),
                config,
                unit,
                new ServiceStep(PatroniService.UnitName, restartWhenChanged: new IWritesFiles[] { config, certificate }, reloadInsteadOfRestart: true,
                    unitFilesChanged: new[] { unit }),
            });
        }

        /// <summary>The cluster's passwords as Patroni's config takes them.</summary>
        public static PatroniPasswords PasswordsFrom(HaPgSecrets secrets) => new PatroniPasswords
        {
            Superuser = secrets.SuperuserPassword?.ToPlainText(),
            Replication = secrets.ReplicationPassword?.ToPlainText(),
            Rewind = secrets.RewindPassword?.ToPlainText(),
            RestApi = secrets.RestApiPassword?.ToPlainText(),
        };

        /// <summary>Takes the passwords a deployed cluster already uses, so a re-run never rotates them by accident.</summary>
        public static void Adopt(HaPgSecrets secrets, PatroniPasswords deployed)
        {
            if (deployed.Superuser is not null) secrets.SuperuserPassword = deployed.Superuser.ToSecureString();
            if (deployed.Replication is not null) secrets.ReplicationPassword = deployed.Replication.ToSecureString();
            if (deployed.Rewind is not null) secrets.RewindPassword = deployed.Rewind.ToSecureString();
            if (deployed.RestApi is not null) secrets.RestApiPassword = deployed.RestApi.ToSecureString();
        }
    }
}
