using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Steps;
using Xunit;

namespace HaPg.Tests.Steps
{
    public class PackageStepTests
    {
        [Fact]
        public void ParseMissingKeepsOnlyPackagesDpkgReportsInstalled()
        {
            var output =
                "ii  etcd-server\n" +
                "rc  etcd-client\n" +
                "iF  patroni\n" +
                "un  python3-etcd\n" +
                "hi  postgresql-15\n" +
                "ii  libpq5:amd64\n" +
                "iiR broken\n";

            var missing = PackageStep.ParseMissing(
                new[] { "etcd-server", "etcd-client", "patroni", "python3-etcd", "postgresql-15", "libpq5", "broken", "haproxy" }, output);

            // rc = removed (config files left), iF = half-configured, un = not installed, iiR = reinstall required,
            // haproxy = unknown to dpkg; hi = installed and on hold.
            Assert.Equal(new[] { "etcd-client", "patroni", "python3-etcd", "broken", "haproxy" }, missing);
        }

        [Fact]
        public void ParseMissingOfEmptyOutputIsEveryPackage()
        {
            Assert.Equal(new[] { "a", "b" }, PackageStep.ParseMissing(new[] { "a", "b" }, string.Empty));
            Assert.Empty(PackageStep.ParseMissing(new[] { "a" }, "ii  a\r\n"));
        }

        [Fact]
        public async Task InstallsOnlyTheMissingPackages()
        {
            var host = new RecordingHost().On("^dpkg-query ", 0, "ii  haproxy\n");

            var outcome = (await new NodePlan(host.Node, new NodeStep[] { new PackageStep("haproxy", "socat") })
                .RunAsync(new StepContext(host, CancellationToken.None))).Single();

            Assert.Equal("install haproxy socat: changed (installed socat)", outcome.ToString());
            var install = Assert.Single(host.Texts, t => t.Contains(" install "));
            Assert.EndsWith("install --no-install-recommends 'socat'", install);
        }

        [Fact]
        public async Task RefreshesTheIndexOnceWhenTheInstallFails()
        {
            var attempts = 0;
            var host = new RecordingHost()
                .On("^dpkg-query ", 0, string.Empty)
                .On(" install ", _ => new HaPg.Remote.RemoteCommandResult { ExitCode = attempts++ == 0 ? 100 : 0 });

            await new NodePlan(host.Node, new NodeStep[] { new PackageStep("socat") }).RunAsync(new StepContext(host, CancellationToken.None));

            Assert.Equal(new[] { "dpkg-query", "install", "update", "install" },
                host.Texts.Select(t => t.StartsWith("dpkg-query") ? "dpkg-query" : t.EndsWith(" update") ? "update" : "install"));
        }

        [Fact]
        public async Task DoesNothingWhenEverythingIsInstalled()
        {
            var host = new RecordingHost().On("^dpkg-query ", 0, "ii  haproxy\nii  socat\n");

            var outcome = (await new NodePlan(host.Node, new NodeStep[] { new PackageStep("haproxy", "socat") })
                .RunAsync(new StepContext(host, CancellationToken.None))).Single();

            Assert.False(outcome.Changed);
            Assert.Single(host.Commands);
            Assert.False(host.Commands[0].Sudo);
        }
    }
}
