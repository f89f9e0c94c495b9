using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Common;
using HaPg.Remote;
using HaPg.Steps;
using Xunit;

namespace HaPg.Tests.Steps
{
    public class StepsTests
    {
        private const string StatCommand = "stat -L -c";
        private const int FileMissing = 44;

        private static Task<IReadOnlyList<StepOutcome>> Run(RecordingHost host, params NodeStep[] steps) =>
            new NodePlan(host.Node, steps).RunAsync(new StepContext(host, CancellationToken.None));

        /// <summary>A step that changes something on every run (its check always fails).</summary>
        private static CommandStep Changing(string name) => new CommandStep(name, "false-check " + name, "apply " + name);

        /// <summary>A step that never changes anything (its check passes).</summary>
        private static CommandStep Steady(string name) => new CommandStep(name, "true-check " + name, "apply " + name);

        private static RecordingHost Host() => new RecordingHost().On("^false-check ", 1);

        [Fact]
        public async Task CommandStepRunsItsApplyOnlyWhenTheCheckFails()
        {
            var host = Host();
            var outcomes = await Run(host, Steady("a"), Changing("b"));

            Assert.Equal(new[] { "true-check a", "false-check b", "apply b" }, host.Texts);
            Assert.Equal(new[] { "a: ok", "b: changed" }, outcomes.Select(o => o.ToString()));
        }

        [Fact]
        public async Task AFailingApplyThrowsCommandFailedNamingNodeAndStep()
        {
            var host = Host().On("^apply b$", 2, stderr: "boom");

            var error = await Assert.ThrowsAsync<HaPgRemoteException>(() => Run(host, Changing("b"), Changing("c")));

            Assert.Equal(RemoteErrorId.CommandFailed, error.ErrorId);
            Assert.Same(host.Node, error.Node);
            Assert.Contains("pg1: b failed with exit code 2", error.Message);
            Assert.Contains("boom", error.Message);
            Assert.DoesNotContain(host.Texts, t => t.EndsWith(" c", StringComparison.Ordinal));
        }

        [Fact]
        public async Task FileStepWritesAMissingFileWithTheSecretOnStdinOnly()
        {
            const string secret = "s3cr3t-Passw0rd";
            var file = new DesiredFile("/etc/app/app.conf", $"password = {secret}\n", "0600", "root", "root", containsSecrets: true,
                validateCommand: "app --check {0}");
            var host = new RecordingHost().On(StatCommand, FileMissing);

            var outcomes = await Run(host, new FileStep(file));

            Assert.True(outcomes.Single().Changed);
            var write = host.Commands.Single(c => c.Stdin is not null);
            Assert.Equal(file.Content, write.Stdin);
            Assert.Contains("app --check \"$tmp\"", write.Text);
            Assert.DoesNotContain(host.Commands, c => c.Text.Contains(secret));
        }

        [Fact]
        public async Task FileStepLeavesAnIdenticalFileAlone()
        {
            var file = new DesiredFile("/etc/app/app.conf", "a = 1\n", "0644", "root", "root", containsSecrets: false);
            var host = new RecordingHost().On(StatCommand, 0, $"644 root root\n{RemoteHostExtensions.Sha256Hex(file.Content)}\n");

            var outcomes = await Run(host, new FileStep(file));

            Assert.False(outcomes.Single().Changed);
            Assert.Single(host.Commands);
            Assert.DoesNotContain(host.Commands, c => c.Stdin is not null);
        }

        [Fact]
        public void FileStepDescribeNeverShowsSecretContent()
        {
            const string secret = "s3cr3t-Passw0rd";
            var secretFile = new FileStep(new DesiredFile("/etc/app/app.conf", $"password = {secret}\n", "0600", "app", "app", containsSecrets: true,
                validateCommand: "app --check {0}"));
            var plainFile = new FileStep(new DesiredFile("/etc/app/plain.conf", "a = 1\n", "0644", "root", "root", containsSecrets: false));

            Assert.Equal(new[]
            {
                "file:  /etc/app/app.conf (mode 0600, app:app, content holds secrets, not shown)",
                "check: app --check '/etc/app/app.conf.hapg-new'",
            }, secretFile.Describe());
            Assert.Equal(new[] { "file:  /etc/app/plain.conf (mode 0644, root:root, 6 bytes)" }, plainFile.Describe());
        }

        [Fact]
        public async Task ServiceStepDoesNothingWhenEnabledActiveAndNothingChanged()
        {
            var host = Host().Unit("app", "enabled", "active");

            var outcomes = await Run(host, Steady("write config"),
                new ServiceStep("app", restartWhenChanged: new[] { "write config" }, unitFilesChanged: new[] { "write unit" }));

            Assert.Equal("start app: ok", outcomes.Last().ToString());
            Assert.Equal(new[] { "true-check write config", "systemctl is-enabled 'app'", "systemctl is-active 'app'" }, host.Texts);
        }

        [Fact]
        public async Task ServiceStepRestartsOnlyWhenANamedEarlierStepChanged()
        {
            var named = Host().Unit("app", "enabled", "active");
            var outcomes = await Run(named, Changing("write config"), new ServiceStep("app", restartWhenChanged: new[] { "write config" }));
            Assert.Contains("systemctl restart 'app'", named.Texts);
            Assert.Equal("start app: changed (restarted)", outcomes.Last().ToString());

            var other = Host().Unit("app", "enabled", "active");
            outcomes = await Run(other, Changing("write something else"), Steady("write config"),
                new ServiceStep("app", restartWhenChanged: new[] { "write config" }));
            Assert.DoesNotContain(other.Texts, t => t.Contains("restart") || t.Contains("reload"));
            Assert.False(outcomes.Last().Changed);
        }

        [Fact]
        public async Task ServiceStepReloadsInsteadWhenAskedTo()
        {
            var host = Host().Unit("haproxy", "enabled", "active");

            var outcomes = await Run(host, Changing("write cfg"),
                new ServiceStep("haproxy", restartWhenChanged: new[] { "write cfg" }, reloadInsteadOfRestart: true));

            Assert.Contains("systemctl reload 'haproxy'", host.Texts);
            Assert.DoesNotContain(host.Texts, t => t.Contains("restart"));
            Assert.Equal("reload haproxy: changed (reloaded)", outcomes.Last().ToString());
        }

        [Fact]
        public async Task ServiceStepDaemonReloadsFirstWhenAUnitFileChanged()
        {
            var host = Host().Unit("app", "enabled", "active");

            await Run(host, Changing("write unit"), new ServiceStep("app", unitFilesChanged: new[] { "write unit" }));

            var texts = host.Texts.ToList();
            var daemonReload = texts.IndexOf("systemctl daemon-reload");
            Assert.True(daemonReload > 0);
            Assert.True(texts.IndexOf("systemctl is-enabled 'app'") > daemonReload);
            Assert.Contains("systemctl restart 'app'", texts);
        }

        [Fact]
        public async Task ServiceStepEnablesAndStartsAStoppedUnitWithoutAlsoRestartingIt()
        {
            var host = Host().Unit("etcd", "disabled", "inactive");

            var outcomes = await Run(host, Changing("write config"),
                new ServiceStep("etcd", restartWhenChanged: new[] { "write config" }, noBlock: true));

            Assert.Equal(new[] { "systemctl enable 'etcd'", "systemctl --no-block start 'etcd'" },
                host.Texts.Where(t => t.StartsWith("systemctl", StringComparison.Ordinal) && !t.Contains(" is-")));
            Assert.Equal("start etcd: changed (enabled, started)", outcomes.Last().ToString());
        }

        /// <summary>A config file the node already has as wanted (its FileStep changes nothing), and the unit active.</summary>
        private static (RecordingHost Host, FileStep Config) DeployedConfig(string unit, string staleCheckOutput)
        {
            var config = new FileStep(new DesiredFile("/etc/app/app.conf", "a = 1\n", "0644", "root", "root", containsSecrets: false));
            var host = new RecordingHost()
                .On(StatCommand, 0, $"644 root root\n{RemoteHostExtensions.Sha256Hex(config.File.Content)}\n")
                .On("-newer ", 0, staleCheckOutput)
                .Unit(unit, "enabled", "active");
            return (host, config);
        }

        [Fact]
        public async Task ServiceStepRestartsWhenAWatchedFileIsNewerThanItsLastApply()
        {
            // A run cut off between writing the config and restarting: the file is as wanted, the service still runs the old one.
            var (host, config) = DeployedConfig("app", "/etc/app/app.conf\n");

            var outcomes = await Run(host, config, new ServiceStep("app", restartWhenChanged: new[] { config }));

            Assert.False(outcomes[0].Changed);
            Assert.Equal("start app: changed (restarted: /etc/app/app.conf is newer than its last start or reload)", outcomes.Last().ToString());
            var texts = host.Texts.ToList();
            var check = texts.FindIndex(t => t.Contains("-newer "));
            Assert.Equal("s='/var/lib/hapg/app.service.applied'; if [ -e \"$s\" ]; then find '/etc/app/app.conf' -maxdepth 0 -newer \"$s\" -print; " +
                "else echo no-stamp; t=$(systemctl show -p ActiveEnterTimestamp --timestamp=unix --value 'app'); t=${t#@}; " +
                "[ -z \"$t\" ] || find '/etc/app/app.conf' -maxdepth 0 -newermt \"@$((t + 1))\" -print; fi", texts[check]);
            var restart = texts.IndexOf("systemctl restart 'app'");
            Assert.True(restart > check);
            Assert.Equal(restart + 1, texts.IndexOf("install -d -m 0755 /var/lib/hapg && touch '/var/lib/hapg/app.service.applied'"));
        }

        [Fact]
        public async Task ServiceStepReloadsAReloadTypeServiceWhoseConfigIsNewerThanItsStamp()
        {
            var (host, config) = DeployedConfig("haproxy", "/etc/app/app.conf\n");

            var outcomes = await Run(host, config, new ServiceStep("haproxy", restartWhenChanged: new[] { config }, reloadInsteadOfRestart: true));

            Assert.Contains("systemctl reload 'haproxy'", host.Texts);
            Assert.DoesNotContain(host.Texts, t => t.Contains("restart"));
            Assert.Contains("touch '/var/lib/hapg/haproxy.service.applied'", host.Texts.Last());
            Assert.True(outcomes.Last().Changed);
        }

        [Fact]
        public async Task ServiceStepDoesNothingWhenNoWatchedFileIsNewerThanItsStamp()
        {
            var (host, config) = DeployedConfig("app", string.Empty);

            var outcomes = await Run(host, config, new ServiceStep("app", restartWhenChanged: new[] { config }));

            Assert.Equal("start app: ok", outcomes.Last().ToString());
            Assert.DoesNotContain(host.Texts, t => t.Contains("restart") || t.Contains("touch"));
        }

        [Fact]
        public async Task ServiceStepWithoutAStampComparesWithTheUnitsStartAndThenKeepsAStamp()
        {
            // Deployed before stamps existed: a config older than the unit's start is taken as applied, and the stamp written.
            var (older, config) = DeployedConfig("app", "no-stamp\n");
            var outcomes = await Run(older, config, new ServiceStep("app", restartWhenChanged: new[] { config }));
            Assert.False(outcomes.Last().Changed);
            Assert.DoesNotContain(older.Texts, t => t.Contains("restart"));
            Assert.Equal("install -d -m 0755 /var/lib/hapg && touch '/var/lib/hapg/app.service.applied'", older.Texts.Last());

            var (newer, newerConfig) = DeployedConfig("app", "no-stamp\n/etc/app/app.conf\n");
            outcomes = await Run(newer, newerConfig, new ServiceStep("app", restartWhenChanged: new[] { newerConfig }));
            Assert.Contains("systemctl restart 'app'", newer.Texts);
            Assert.True(outcomes.Last().Changed);
        }

        [Fact]
        public async Task ServiceStepStampsAfterARestartForAChangeOfThisRunWithoutCheckingMtimes()
        {
            var config = new FileStep(new DesiredFile("/etc/app/app.conf", "a = 2\n", "0644", "root", "root", containsSecrets: false));
            var host = new RecordingHost().On(StatCommand, FileMissing).Unit("app", "enabled", "active");

            await Run(host, config, new ServiceStep("app", restartWhenChanged: new[] { config }));

            Assert.DoesNotContain(host.Texts, t => t.Contains("-newer "));
            Assert.Equal(new[] { "systemctl restart 'app'", "install -d -m 0755 /var/lib/hapg && touch '/var/lib/hapg/app.service.applied'" },
                host.Texts.Skip(host.Texts.Count() - 2));
        }

        [Fact]
        public void ServiceStepDescribesTheMtimeCheckAndTheStamp()
        {
            var config = new FileStep(new DesiredFile("/etc/app/app.conf", "a = 1\n", "0644", "root", "root", containsSecrets: false));
            var lines = new ServiceStep("app", restartWhenChanged: new[] { config }).Describe().ToList();

            Assert.Contains(lines, l => l.StartsWith("check: s='/var/lib/hapg/app.service.applied'; if [ -e \"$s\" ]; then find '/etc/app/app.conf'", StringComparison.Ordinal));
            Assert.Contains("run:   systemctl restart app   (only if write /etc/app/app.conf changed, or a watched file is newer than its last start or reload)", lines);
            Assert.Contains("run:   install -d -m 0755 /var/lib/hapg && touch '/var/lib/hapg/app.service.applied'   (after a start, restart or reload)", lines);
        }

        [Fact]
        public async Task NodePlanWrapsAnUnexpectedExceptionWithNodeAndStepAndStops()
        {
            var host = Host();

            var error = await Assert.ThrowsAsync<HaPgRemoteException>(() => Run(host, Steady("a"), new ThrowingStep("parse things"), Changing("c")));

            Assert.Equal(RemoteErrorId.NodeFailed, error.ErrorId);
            Assert.Same(host.Node, error.Node);
            Assert.Equal("pg1: step 'parse things' failed: unexpected output", error.Message);
            Assert.IsType<FormatException>(error.InnerException);
            Assert.Equal(new[] { "true-check a" }, host.Texts);
        }

        [Fact]
        public async Task NodePlanLetsCancellationThrough()
        {
            var host = Host();
            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                new NodePlan(host.Node, new NodeStep[] { Steady("a") }).RunAsync(new StepContext(host, cancelled.Token)));
            Assert.Empty(host.Commands);
        }

        [Fact]
        public async Task NodePlanReportsEachStepAsItStartsAndRecordsOutcomes()
        {
            var host = Host();
            var started = new List<string>();
            var verbose = new List<string>();
            var context = new StepContext(host, CancellationToken.None, verbose.Add);

            var outcomes = await new NodePlan(host.Node, new NodeStep[] { Steady("a"), Changing("b") }).RunAsync(context, started.Add);

            Assert.Equal(new[] { "a", "b" }, started);
            Assert.Equal(new[] { "a: ok", "b: changed" }, verbose);
            Assert.Same(context.Outcomes, outcomes);
        }

        [Fact]
        public void NodePlanDescribePrefixesEveryLineWithItsStep()
        {
            var plan = new NodePlan(new RecordingHost().Node, new NodeStep[] { Steady("a"), new PackageStep("etcd-server") });

            Assert.Equal(new[]
            {
                "[a] check: true-check a",
                "[a] run:   apply a",
                "[install etcd-server] check: dpkg-query -W etcd-server",
                "[install etcd-server] run:   DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confold " +
                "install --no-install-recommends etcd-server   (only the missing ones)",
            }, plan.Describe());
        }

        private sealed class ThrowingStep : NodeStep
        {
            public ThrowingStep(string name)
                : base(name)
            {
            }

            public override IEnumerable<string> Describe() => new[] { "nothing" };

            public override Task<StepOutcome> ApplyAsync(StepContext context) => throw new FormatException("unexpected output");
        }
    }
}
