using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Remote;
using Xunit;

namespace HaPg.Tests.Remote
{
    [Collection("sshd")]
    public sealed class RemoteHelpersTests : IAsyncLifetime
    {
        private readonly TestSshd sshd;
        private readonly string dir = Path.Combine("/tmp", "hapg-files-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        private SshNodeConnection host = null!;

        public RemoteHelpersTests(TestSshd sshd) => this.sshd = sshd;

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(dir);
            host = await SshNodeConnection.ConnectAsync(sshd.Inventory(sshd.KnownHosts(trusted: true), sudoPassword: sshd.Password),
                sshd.Inventory(sshd.KnownHosts(trusted: true)).Nodes[0], new SshConnectOptions(), CancellationToken.None);
        }

        public Task DisposeAsync()
        {
            host.Dispose();
            Directory.Delete(dir, true);
            return Task.CompletedTask;
        }

        [Fact]
        public async Task EnsureFileWritesOnlyWhatDiffers()
        {
            var path = Path.Combine(dir, "app.conf");
            Assert.Null(await host.ReadFileAsync(path, CancellationToken.None));
            Assert.False((await host.GetFileStateAsync(path, CancellationToken.None)).Exists);

            const string content = "a = 1\nsecret = 'x'\n";
            Assert.True(await host.EnsureFileAsync(path, content, "0640", "root", "hapgtest", null, CancellationToken.None));
            Assert.Equal(content, await host.ReadFileAsync(path, CancellationToken.None));
            var state = await host.GetFileStateAsync(path, CancellationToken.None);
            Assert.Equal(("0640", "root", "hapgtest"), (state.Mode, state.Owner, state.Group));
            Assert.Equal(RemoteHostExtensions.Sha256Hex(content), state.Sha256);
            Assert.False(await host.EnsureFileAsync(path, content, "640", "root", "hapgtest", null, CancellationToken.None));
            Assert.True(await host.EnsureFileAsync(path, content, "0600", "root", "root", null, CancellationToken.None));
            Assert.Equal("0600", (await host.GetFileStateAsync(path, CancellationToken.None)).Mode);
            Assert.Single(Directory.GetFileSystemEntries(dir));
        }

        [Fact]
        public async Task FailedValidationKeepsTheOldFileAndRemovesTheTempFile()
        {
            var path = Path.Combine(dir, "checked.conf");
            await host.WriteFileAsync(path, "good\n", "0644", "root", "root", "grep -qx good {0}", CancellationToken.None);
            var error = await Assert.ThrowsAsync<HaPgRemoteException>(() =>
                host.WriteFileAsync(path, "bad\n", "0644", "root", "root", "grep -qx good {0} || { echo 'invalid config' >&2; exit 3; }", CancellationToken.None));
            Assert.Equal(RemoteErrorId.CommandFailed, error.ErrorId);
            Assert.Contains("node-1", error.Message);
            Assert.Contains("exit code 3", error.Message);
            Assert.Contains("invalid config", error.Message);
            Assert.Contains($"write {path}", error.Message);
            Assert.Equal("good\n", File.ReadAllText(path));
            Assert.Single(Directory.GetFileSystemEntries(dir));
        }

        [Fact]
        public async Task RunAsyncThrowsCommandFailedWithRedactedStderr()
        {
            var command = new RemoteCommand("echo 'token=tok-123 rejected' >&2; exit 7") { Secrets = { "tok-123" } };
            var error = await Assert.ThrowsAsync<HaPgRemoteException>(() => host.RunAsync(command, CancellationToken.None, "login"));
            Assert.Equal(System.Management.Automation.ErrorCategory.InvalidResult, error.Category);
            Assert.Contains("node-1: login failed with exit code 7", error.Message);
            Assert.Contains("token=*** rejected", error.Message);
            Assert.DoesNotContain("tok-123", error.Message);
        }
    }
}
