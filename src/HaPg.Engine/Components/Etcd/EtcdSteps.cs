using System;
using System.Linq;
using System.Threading.Tasks;
using HaPg.Execution;
using HaPg.Components.Tls;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Steps;

namespace HaPg.Components.Etcd
{
    /// <summary>
    /// One member's plan: the distro's etcd, its /etc/default/etcd, the package's own default member retired
    /// before first bootstrap, and the unit running. Members start without waiting for quorum (--no-block);
    /// <see cref="WaitHealthyAsync"/> then waits until this member answers healthy.
    /// </summary>
    public static class EtcdSteps
    {
        public static NodePlan For(HaPgInventory inventory, HaPgNode member, ClusterCa? ca)
        {
            var config = new FileStep(EtcdConfig.Render(inventory, member));
            var certificate = new CertificateStep(ca, inventory, member, TlsIdentity.Etcd);
            var dataDir = EtcdConfig.DataDir(inventory);
            return new NodePlan(member, new NodeStep[]
            {
                new PackageStep("install etcd", "etcd-server etcd-client (etcd on Ubuntu 20.04)", EtcdPackages.For),
                certificate,
                config,
                // The package starts a single default member at install; a new cluster must not inherit it.
                new CommandStep("retire the package's default member",
                    $"test -d {ShellQuote.Quote(dataDir + "/member")} || {{ test ! -e {EtcdConfig.PackageDefaultDataDir} && ! systemctl is-active --quiet etcd; }}",
                    $"systemctl stop etcd; rm -rf {EtcdConfig.PackageDefaultDataDir}"),
                new ServiceStep(EtcdConfig.ServiceName, restartWhenChanged: new IWritesFiles[] { config, certificate }, noBlock: true),
            });
        }

        /// <summary>Polls etcdctl on the member until it reports itself healthy, or throws after <paramref name="timeout"/>.</summary>
        public static async Task<EtcdMemberStatus> WaitHealthyAsync(HaPgInventory inventory, IRemoteHost member, TimeSpan timeout,
            System.Threading.CancellationToken cancellationToken)
        {
            var (status, healthy) = await Poll.UntilAsync(() => ReadAsync(inventory, member, cancellationToken), s => s.Healthy == true,
                timeout, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            return healthy
                ? status
                : throw new HaPgRemoteException("HaPg.Etcd.Unhealthy", System.Management.Automation.ErrorCategory.ResourceUnavailable,
                    member.Node, $"{member.Node.Name}: etcd member not healthy after {timeout.TotalSeconds:N0} s: {status.Error}");
        }

        /// <summary>This member's entry of etcdctl endpoint status and health, asked on the member itself.</summary>
        public static async Task<EtcdMemberStatus> ReadAsync(HaPgInventory inventory, IRemoteHost member, System.Threading.CancellationToken cancellationToken)
        {
            var status = await member.ExecuteAsync(new RemoteCommand(EtcdStatusParser.StatusCommand(inventory, member.Node)), cancellationToken)
                .ConfigureAwait(false);
            var health = await member.ExecuteAsync(new RemoteCommand(EtcdStatusParser.HealthCommand(inventory, member.Node)), cancellationToken)
                .ConfigureAwait(false);
            return EtcdStatusParser.Merge(inventory, SafeJson(status.Stdout), SafeJson(health.Stdout))
                .First(m => m.Node == member.Node.Name);
        }

        private static string SafeJson(string output) => output.TrimStart().StartsWith("[", StringComparison.Ordinal) ? output : string.Empty;
    }
}
