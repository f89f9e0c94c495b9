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
