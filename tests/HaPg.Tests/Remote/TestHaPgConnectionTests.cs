using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using HaPg.Results;
using Xunit;

namespace HaPg.Tests.Remote
{
    [Collection("sshd")]
    public sealed class TestHaPgConnectionTests : IDisposable
    {
        private readonly TestSshd sshd;
        private readonly PowerShellHost powershell = new PowerShellHost();

        public TestHaPgConnectionTests(TestSshd sshd) => this.sshd = sshd;

        [Fact]
        public void ReportsTheFactsOfTheNodeAndKeepsPasswordsOutOfVerboseOutput()
        {
            // With passwords to send, the unknown key is trusted for its pin (a key login records it: see below).
            var inventory = sshd.Inventory(sshd.KnownHosts(trusted: false), useKey: false, sshPassword: sshd.Password, sudoPassword: sshd.Password);
            inventory.Nodes[0].HostKeySha256 = sshd.HostKeyFingerprint;
            var (output, errors) = powershell.Invoke("$inv | Test-HaPgConnection -AcceptHostKey -Verbose 4>&1 3>&1",
                new Dictionary<string, object?> { ["inv"] = inventory });

            var result = Assert.Single(output.Select(o => o.BaseObject).OfType<HaPgConnectionResult>());
            Assert.Equal("node-1", result.Node);
            Assert.True(result.Reachable);
            Assert.True(result.SudoOk);
            Assert.Equal(sshd.HostKeyFingerprint, result.HostKeySha256);
            var osRelease = File.ReadAllLines("/etc/os-release").ToDictionary(l => l.Split('=')[0], l => l.Split('=', 2)[1].Trim('"'));
            Assert.Equal(osRelease["ID"], result.Os);
            Assert.Equal(osRelease["VERSION_ID"], result.OsVersion);
            Assert.True(result.FreeDiskGB > 0);
            Assert.True(result.AptOk);
            Assert.Same(inventory, result.Inventory);

            var pid1 = File.ReadAllText("/proc/1/comm").Trim();
            Assert.Equal(pid1 == "systemd", result.Systemd);
            Assert.Equal(pid1, result.InitProcess);
            if (pid1 != "systemd")
            {
                var noSystemd = Assert.Single(errors, e => e.FullyQualifiedErrorId.StartsWith("HaPg.Connection.NoSystemd", StringComparison.Ordinal));
                Assert.Contains("node-1", noSystemd.ToString());
                Assert.Contains(pid1, noSystemd.ToString());
                Assert.Equal("node-1", Assert.IsType<HaPg.Inventory.HaPgNode>(noSystemd.TargetObject).Name);
                Assert.Contains(noSystemd.Exception.Message, result.Errors);
            }

            var streams = output.Select(o => o.BaseObject).ToList();
            var verbose = streams.OfType<VerboseRecord>().Select(v => v.Message).ToList();
            Assert.Contains(verbose, v => v.StartsWith("[node-1] # true", StringComparison.Ordinal));
            Assert.All(verbose, v => Assert.StartsWith("[node-1] ", v));
            Assert.DoesNotContain(sshd.Password, string.Join("\n", verbose) + string.Join("\n", errors.Select(e => e.ToString())));
        }

        [Fact]
        public void AcceptHostKeyWithAKeyLoginTrustsAndRecordsTheNewKey()
        {
            var inventory = sshd.Inventory(sshd.KnownHosts(trusted: false));
            var (output, _) = powershell.Invoke("$inv | Test-HaPgConnection -AcceptHostKey 3>&1", new Dictionary<string, object?> { ["inv"] = inventory });

            Assert.True(Assert.Single(output.Select(o => o.BaseObject).OfType<HaPgConnectionResult>()).Reachable);
            Assert.Contains(output.Select(o => o.BaseObject).OfType<WarningRecord>(), w => w.Message.Contains("recorded") && w.Message.StartsWith("[node-1] "));
            Assert.Contains($"[127.0.0.1]:{sshd.Port}", File.ReadAllText(inventory.KnownHostsPath!));
        }

        // The runspace cannot ask (no host UI), as in a non-interactive session: the key is not confirmed, so no password goes.
        [Theory]
        [InlineData("-AcceptHostKey")]
        [InlineData("-Force")]
        public void AcceptHostKeyWithAPasswordLoginSendsNoPasswordToAnUnconfirmedKey(string accept)
        {
            const string wrong = "Wr0ng-Pa55word!"; // had it been sent, the error would be AuthenticationFailed
            var inventory = sshd.Inventory(sshd.KnownHosts(trusted: false), useKey: false, sshPassword: wrong, sudoPassword: wrong);
            var (output, errors) = powershell.Invoke($"$inv | Test-HaPgConnection {accept}", new Dictionary<string, object?> { ["inv"] = inventory });

            Assert.False(Assert.Single(output.Select(o => o.BaseObject).OfType<HaPgConnectionResult>()).Reachable);
            var error = Assert.Single(errors);
            Assert.StartsWith("HaPg.Connection.UnverifiedKeyWithPassword", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.SecurityError, error.CategoryInfo.Category);
            Assert.Contains(sshd.HostKeyFingerprint, error.ToString());
            Assert.DoesNotContain(wrong, error.ToString());
            Assert.False(File.Exists(inventory.KnownHostsPath!));
        }

        [Fact]
        public void UnreachableNodeGivesItsObjectAndANonTerminatingError()
        {
            var inventory = sshd.Inventory(sshd.KnownHosts(trusted: true));
            inventory.Nodes[0].Address = "127.0.0.2"; // another loopback address: one node per address, as the inventory requires
            inventory.Nodes[0].Port = TestSshd.FreePort();
            inventory.Nodes.Add(new HaPg.Inventory.HaPgNode { Name = "node-2", Address = "127.0.0.1", Port = sshd.Port, User = sshd.User, KeyPath = sshd.KeyPath });
            var (output, errors) = powershell.Invoke("Test-HaPgConnection -Inventory $inv -ThrottleLimit 2", new Dictionary<string, object?> { ["inv"] = inventory });

            var results = output.Select(o => o.BaseObject).OfType<HaPgConnectionResult>().OrderBy(r => r.Node).ToList();
            Assert.Equal(new[] { "node-1", "node-2" }, results.Select(r => r.Node));
            Assert.False(results[0].Reachable);
            Assert.Equal(HaPgStatus.Failed, results[0].Status);
            Assert.True(results[1].Reachable);
            var unreachable = Assert.Single(errors, e => e.FullyQualifiedErrorId.StartsWith("HaPg.Ssh.Unreachable", StringComparison.Ordinal));
            Assert.Equal(ErrorCategory.ConnectionError, unreachable.CategoryInfo.Category);
            Assert.Equal("node-1", ((HaPg.Inventory.HaPgNode)unreachable.TargetObject).Name);
            Assert.Contains(errors, e => e.FullyQualifiedErrorId.StartsWith("HaPg.Ssh.SudoRefused", StringComparison.Ordinal) && e.ToString().Contains("node-2"));
        }

        [Fact]
        public void UnknownHostKeyWithoutAcceptIsRefused()
        {
            var inventory = sshd.Inventory(sshd.KnownHosts(trusted: false));
            var (output, errors) = powershell.Invoke("Test-HaPgConnection -Inventory $inv", new Dictionary<string, object?> { ["inv"] = inventory });
            var result = Assert.Single(output.Select(o => o.BaseObject).OfType<HaPgConnectionResult>());
            Assert.False(result.Reachable);
            var error = Assert.Single(errors);
            Assert.StartsWith("HaPg.Ssh.HostKeyUnknown", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.SecurityError, error.CategoryInfo.Category);
            Assert.Contains(sshd.HostKeyFingerprint, error.ToString());
        }

        [Fact]
        public void UnknownNodeNameIsATerminatingErrorBeforeAnyConnection()
        {
            var inventory = sshd.Inventory(sshd.KnownHosts(trusted: true));
            inventory.Nodes[0].Port = TestSshd.FreePort(); // connecting would add an Unreachable error
            var (output, errors) = powershell.Invoke("Test-HaPgConnection -Inventory $inv -Node node-1, nope", new Dictionary<string, object?> { ["inv"] = inventory });
            Assert.Empty(output);
            var error = Assert.Single(errors);
            Assert.Equal("HaPg.Inventory.UnknownNode", error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Equal("nope", error.TargetObject);
        }

        [Fact]
        public void NodeNamesComplete()
        {
            var inventory = sshd.Inventory(sshd.KnownHosts(trusted: true));
            var (output, _) = powershell.Invoke("$s = 'Test-HaPgConnection -Inventory $inv -Node no'; (TabExpansion2 -inputScript $s -cursorColumn $s.Length).CompletionMatches.CompletionText",
                new Dictionary<string, object?> { ["inv"] = inventory });
            Assert.Equal(new[] { "node-1" }, output.Select(o => o.ToString()).ToArray());
        }

        public void Dispose() => powershell.Dispose();
    }
}
