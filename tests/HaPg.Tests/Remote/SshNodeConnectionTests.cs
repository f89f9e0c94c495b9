using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Inventory;
using HaPg.Remote;
using Xunit;

namespace HaPg.Tests.Remote
{
    [Collection("sshd")]
    public sealed class SshNodeConnectionTests
    {
        private static readonly SshConnectOptions Options = new SshConnectOptions();
        private readonly TestSshd sshd;

        public SshNodeConnectionTests(TestSshd sshd) => this.sshd = sshd;

        private Task<SshNodeConnection> Connect(HaPgInventory inventory, SshConnectOptions? options = null) =>
            SshNodeConnection.ConnectAsync(inventory, inventory.Nodes[0], options ?? Options, CancellationToken.None);

        private static async Task<HaPgRemoteException> Refused(Func<Task> connect) => await Assert.ThrowsAsync<HaPgRemoteException>(connect);

        [Fact]
        public async Task KeyAuthenticationRunsCommandsAsTheUser()
        {
            using var connection = await Connect(sshd.Inventory(sshd.KnownHosts(trusted: true)));
            var result = await connection.ExecuteAsync(new RemoteCommand("id -un; echo 'it'\\''s'") { Sudo = false }, CancellationToken.None);
            Assert.Equal(0, result.ExitCode);
            Assert.Equal($"{sshd.User}\nit's\n", result.Stdout);
            Assert.Equal(sshd.HostKeyFingerprint, connection.HostKeySha256);
            Assert.False(connection.HostKeyRecorded);
        }

        [Fact]
        public async Task PasswordAuthenticationWorks()
        {
            using var connection = await Connect(sshd.Inventory(sshd.KnownHosts(trusted: true), useKey: false, sshPassword: sshd.Password));
            var result = await connection.ExecuteAsync(new RemoteCommand("id -un") { Sudo = false }, CancellationToken.None);
            Assert.Equal(sshd.User, result.Stdout.Trim());
        }

        [Fact]
        public async Task WrongPasswordIsAuthenticationFailedWithoutThePassword()
        {
            const string wrong = "Wr0ng-Pa55word!";
            var error = await Refused(() => Connect(sshd.Inventory(sshd.KnownHosts(trusted: true), useKey: false, sshPassword: wrong)));
            Assert.Equal(RemoteErrorId.AuthenticationFailed, error.ErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.AuthenticationError, error.Category);
            Assert.Contains("node-1", error.Message);
            Assert.DoesNotContain(wrong, error.ToString());
        }

        [Fact]
        public async Task UnknownHostKeyIsRefusedWithItsFingerprint()
        {
            var knownHosts = sshd.KnownHosts(trusted: false);
            var error = await Refused(() => Connect(sshd.Inventory(knownHosts)));
            Assert.Equal(RemoteErrorId.HostKeyUnknown, error.ErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.SecurityError, error.Category);
            Assert.Contains(sshd.HostKeyFingerprint, error.Message);
            Assert.Contains("-AcceptHostKey", error.Message);
            Assert.Contains("node-1", error.Message);
            Assert.False(File.Exists(knownHosts));
        }

        [Fact]
        public async Task AcceptedHostKeyIsRecordedAndTrustedNextTime()
        {
            var knownHosts = sshd.KnownHosts(trusted: false);
            using (var first = await Connect(sshd.Inventory(knownHosts), new SshConnectOptions { AcceptUnknownHostKey = true }))
            {
                Assert.True(first.HostKeyRecorded);
            }

            Assert.Equal($"[127.0.0.1]:{sshd.Port} {sshd.HostKeyLine}\n", File.ReadAllText(knownHosts));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(knownHosts));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(knownHosts)!));

            using var second = await Connect(sshd.Inventory(knownHosts));
            Assert.False(second.HostKeyRecorded);
            Assert.Single(File.ReadAllLines(knownHosts));

            // OpenSSH itself accepts the line HaPg wrote.
            var ssh = TestSshd.Process("ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + knownHosts,
                "-i", sshd.KeyPath, "-p", sshd.Port.ToString(), $"{sshd.User}@127.0.0.1", "echo ok");
            Assert.Equal("ok", ssh.Trim());
        }

        [Fact]
        public async Task AnAcceptedUnknownKeyGetsNoPasswordUntilItsFingerprintIsConfirmed()
        {
            var knownHosts = sshd.KnownHosts(trusted: false);
            var options = new SshConnectOptions { AcceptUnknownHostKey = true };

            // A wrong password: had it been tried, this would be AuthenticationFailed. It is refused at the key, before authentication.
            const string wrong = "Wr0ng-Pa55word!";
            var error = await Refused(() => Connect(sshd.Inventory(knownHosts, useKey: false, sshPassword: wrong), options));
            Assert.Equal(RemoteErrorId.UnverifiedKeyWithPassword, error.ErrorId);
            Assert.Contains(sshd.HostKeyFingerprint, error.Message);
            Assert.DoesNotContain(wrong, error.ToString());
            Assert.False(File.Exists(knownHosts));

            // The probe learns the key without logging in; the same key the real connection then sees.
            var inventory = sshd.Inventory(knownHosts, useKey: false, sshPassword: sshd.Password);
            var probed = await SshNodeConnection.ProbeHostKeyAsync(inventory, inventory.Nodes[0], options, CancellationToken.None);
            Assert.Equal(sshd.HostKeyFingerprint, probed);
            Assert.False(File.Exists(knownHosts));

            options.ConfirmedHostKeys[inventory.Nodes[0].Name] = "SHA256:" + new string('A', 43);
            Assert.Equal(RemoteErrorId.UnverifiedKeyWithPassword, (await Refused(() => Connect(inventory, options))).ErrorId);

            options.ConfirmedHostKeys[inventory.Nodes[0].Name] = probed!;
            using (var connection = await Connect(inventory, options))
            {
                Assert.True(connection.HostKeyRecorded);
            }

            Assert.Equal($"[127.0.0.1]:{sshd.Port} {sshd.HostKeyLine}\n", File.ReadAllText(knownHosts));
        }

        [Fact]
        public async Task KeyLoginWithAcceptHostKeyNeedsNoConfirmation()
        {
            var knownHosts = sshd.KnownHosts(trusted: false);
            using var connection = await Connect(sshd.Inventory(knownHosts), new SshConnectOptions { AcceptUnknownHostKey = true });
            Assert.True(connection.HostKeyRecorded);
        }

        [Fact]
        public async Task ChangedHostKeyIsRefusedEvenWhenAcceptingNewKeys()
        {
            var other = Path.Combine(sshd.Directory, "other-" + Guid.NewGuid().ToString("N"));
            TestSshd.Process("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other);
            var otherLine = string.Join(' ', File.ReadAllText(other + ".pub").Split(' ').Take(2));
            var otherFingerprint = TestSshd.Process("ssh-keygen", "-lf", other + ".pub").Split(' ')[1];
            var knownHosts = sshd.KnownHosts(trusted: false);
            Directory.CreateDirectory(Path.GetDirectoryName(knownHosts)!);
            File.WriteAllText(knownHosts, $"[127.0.0.1]:{sshd.Port} {otherLine}\n");

            var error = await Refused(() => Connect(sshd.Inventory(knownHosts), new SshConnectOptions { AcceptUnknownHostKey = true }));
            Assert.Equal(RemoteErrorId.HostKeyMismatch, error.ErrorId);
            Assert.Contains(sshd.HostKeyFingerprint, error.Message);
            Assert.Contains(otherFingerprint, error.Message);
            Assert.Single(File.ReadAllLines(knownHosts));
        }

        [Fact]
        public async Task PinnedHostKeyIsTrustedAndAWrongPinRefused()
        {
            var inventory = sshd.Inventory(sshd.KnownHosts(trusted: false));
            inventory.Nodes[0].HostKeySha256 = sshd.HostKeyFingerprint.Substring("SHA256:".Length);
            using (var connection = await Connect(inventory))
            {
                Assert.False(connection.HostKeyRecorded);
            }

            inventory.Nodes[0].HostKeySha256 = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
            var error = await Refused(() => Connect(inventory, new SshConnectOptions { AcceptUnknownHostKey = true }));
            Assert.Equal(RemoteErrorId.HostKeyMismatch, error.ErrorId);
            Assert.Contains("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", error.Message);
        }

        [Fact]
        public async Task SudoWithPasswordRunsAsRootAndKeepsThePasswordOffStdinAndOutput()
        {
            using var connection = await Connect(sshd.Inventory(sshd.KnownHosts(trusted: true), sudoPassword: sshd.Password));
            var lines = new ConcurrentQueue<string>();
            var result = await connection.ExecuteAsync(new RemoteCommand("id -u; cat") { Stdin = "line 1\nline 2", OutputLine = lines.Enqueue }, CancellationToken.None);
            Assert.Equal(0, result.ExitCode);
            Assert.Equal("0\nline 1\nline 2", result.Stdout);
            Assert.Equal(new[] { "0", "line 1", "line 2" }, lines.ToArray());
            Assert.DoesNotContain(sshd.Password, result.Stdout + result.Stderr);
        }

        [Fact]
        public async Task WrongSudoPasswordIsSudoRefusedWithoutLeakingIt()
        {
            const string wrong = "not-the-sudo-password-42";
            using var connection = await Connect(sshd.Inventory(sshd.KnownHosts(trusted: true), sudoPassword: wrong));
            var lines = new ConcurrentQueue<string>();
            var error = await Assert.ThrowsAsync<HaPgRemoteException>(() =>
                connection.ExecuteAsync(new RemoteCommand("true") { OutputLine = lines.Enqueue }, CancellationToken.None));
            Assert.Equal(RemoteErrorId.SudoRefused, error.ErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.PermissionDenied, error.Category);
            Assert.Contains("node-1", error.Message);
            Assert.DoesNotContain(wrong, error.ToString() + string.Join('\n', lines));
        }

        [Fact]
        public async Task PasswordlessSudoWhenOneIsRequiredIsSudoRefused()
        {
            var inventory = sshd.Inventory(sshd.KnownHosts(trusted: true));
            Assert.Equal(SudoMode.Passwordless, inventory.SudoFor(inventory.Nodes[0]));
            using var connection = await Connect(inventory);
            var error = await Assert.ThrowsAsync<HaPgRemoteException>(() => connection.ExecuteAsync(new RemoteCommand("true"), CancellationToken.None));
            Assert.Equal(RemoteErrorId.SudoRefused, error.ErrorId);
            Assert.Contains("a password is required", error.Message);
        }

        [Fact]
        public async Task ClosedPortIsUnreachableQuickly()
        {
            var inventory = sshd.Inventory(sshd.KnownHosts(trusted: true));
            inventory.Nodes[0].Port = TestSshd.FreePort();
            var stopwatch = Stopwatch.StartNew();
            var error = await Refused(() => Connect(inventory));
            Assert.Equal(RemoteErrorId.Unreachable, error.ErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.ConnectionError, error.Category);
            Assert.Contains("node-1", error.Message);
            // Refused at once, not waited out: well under the default connect timeout, however busy the machine.
            Assert.True(stopwatch.Elapsed < new SshConnectOptions().ConnectTimeout, stopwatch.Elapsed.ToString());
        }

        [Fact]
        public async Task SilentServerIsTimeout()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                var inventory = sshd.Inventory(sshd.KnownHosts(trusted: true));
                inventory.Nodes[0].Port = ((IPEndPoint)listener.LocalEndpoint).Port;
                var stopwatch = Stopwatch.StartNew();
                var error = await Refused(() => Connect(inventory, new SshConnectOptions { ConnectTimeout = TimeSpan.FromSeconds(2) }));
                Assert.Equal(RemoteErrorId.Timeout, error.ErrorId);
                Assert.Equal(System.Management.Automation.ErrorCategory.OperationTimeout, error.Category);
                // The 2 s asked for, not the 10 s default: the message says so, and it ended before the default would have.
                Assert.Contains("within 2s", error.Message);
                Assert.True(stopwatch.Elapsed < new SshConnectOptions().ConnectTimeout, stopwatch.Elapsed.ToString());
            }
            finally
            {
                listener.Stop();
            }
        }

        [Fact]
        public async Task CancellationStopsTheRemoteCommand()
        {
            using var connection = await Connect(sshd.Inventory(sshd.KnownHosts(trusted: true)));
            var marker = UniqueSleep();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var stopwatch = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                connection.ExecuteAsync(new RemoteCommand($"{marker}; echo done") { Sudo = false }, cts.Token));
            // The remote sleep lasts 40 s or more: ending well before it proves the cancellation, not the command, ended it.
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), stopwatch.Elapsed.ToString());
            await WaitUntilGone(marker);
        }

        [Fact]
        public async Task CommandTimeoutIsTimeoutAndStopsTheCommandUnderSudo()
        {
            using var connection = await Connect(sshd.Inventory(sshd.KnownHosts(trusted: true), sudoPassword: sshd.Password));
            var marker = UniqueSleep();
            var error = await Assert.ThrowsAsync<HaPgRemoteException>(() =>
                connection.ExecuteAsync(new RemoteCommand($"{marker}; echo done") { Timeout = TimeSpan.FromSeconds(1) }, CancellationToken.None));
            Assert.Equal(RemoteErrorId.Timeout, error.ErrorId);
            await WaitUntilGone(marker);
        }

        [Fact]
        public async Task PoolOpensOneConnectionPerNodeAndClosesOnLastRelease()
        {
            var inventory = sshd.Inventory(sshd.KnownHosts(trusted: true));
            var pool = ConnectionPool.Acquire(inventory);
            Assert.Same(pool, ConnectionPool.Acquire(inventory));
            var logins = CountLogins();
            var hosts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => pool.GetHostAsync(inventory.Nodes[0], Options, CancellationToken.None))));
            Assert.All(hosts, h => Assert.Same(hosts[0], h));
            // sshd logs a login a moment after the client is in: wait for the line, then count once every session has closed.
            await LoggedAsync(() => CountLogins() >= logins + 1);

            pool.Release();
            Assert.Equal("ok", (await hosts[0].RunAsync(new RemoteCommand("echo ok") { Sudo = false }, CancellationToken.None)).Stdout.Trim());
            pool.Release();
            await Assert.ThrowsAsync<HaPgRemoteException>(() => hosts[0].ExecuteAsync(new RemoteCommand("true") { Sudo = false }, CancellationToken.None));
            Assert.NotSame(pool, ConnectionPool.Acquire(inventory));
            ConnectionPool.Acquire(inventory).Release();
            Assert.True(logins + 1 == CountLogins(), File.ReadAllText(Path.Combine(sshd.Directory, "sshd.log")));

            int CountLogins() => File.ReadAllLines(Path.Combine(sshd.Directory, "sshd.log")).Count(l => l.StartsWith("Accepted publickey", StringComparison.Ordinal));
        }

        private static async Task LoggedAsync(Func<bool> logged)
        {
            for (var i = 0; i < 200 && !logged(); i++)
            {
                await Task.Delay(50);
            }
        }

        private static string UniqueSleep() => $"sleep 4{Random.Shared.Next(10)}.{Random.Shared.Next(100, 999)}";

        private static async Task WaitUntilGone(string sleep)
        {
            Assert.NotEmpty(TestSshd.Process("sh", "-c", "pgrep -x sshd || true").Trim()); // pgrep works here
            // [.] keeps the pattern from matching the sh that runs pgrep.
            for (var i = 0; i < 300; i++)
            {
                if (TestSshd.Process("sh", "-c", $"pgrep -f '{sleep.Replace(".", "[.]")}' || true").Trim().Length == 0)
                {
                    return;
                }

                await Task.Delay(100);
            }

            Assert.Fail($"the remote command ({sleep}) still runs");
        }
    }
}
