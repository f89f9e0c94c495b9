using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using Xunit;

namespace HaPg.Tests.PowerShell
{
    /// <summary>Engine exceptions raised on a NodeCmdlet's own thread end as terminating ErrorRecords with the HaPg id.</summary>
    public sealed class NodeCmdletErrorTests : IDisposable
    {
        private readonly PowerShellHost host = new PowerShellHost();
        private readonly string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "hapg-err-" + Guid.NewGuid().ToString("N"))).FullName;

        public NodeCmdletErrorTests() => File.WriteAllText(Path.Combine(folder, "id_ed25519"), "not a real key; nothing connects");

        public void Dispose()
        {
            host.Dispose();
            Directory.Delete(folder, recursive: true);
        }

        // TEST-NET-1 (192.0.2.0/24): nothing answers there, so a connection attempt would show as an error or a delay.
        private const string Inventory =
            "$inventory = 1..5 | ForEach-Object { [pscustomobject]@{ Name = \"node-$_\"; Address = \"192.0.2.1$_\"; KeyPath = (Join-Path $dir id_ed25519); " +
            "HostKeySha256 = 'SHA256:' + ('A' * 43) } } | New-HaPgInventory -ClusterName pg -KnownHostsPath (Join-Path $dir kh); ";

        private (ErrorRecord Error, IReadOnlyList<ErrorRecord> Written, IReadOnlyList<ProgressRecord> Progress, TimeSpan Took) Fails(string command,
            object? secret = null)
        {
            var clock = Stopwatch.StartNew();
            var (output, errors, progress) = host.InvokeWithProgress(Inventory + $"try {{ {command} }} catch {{ $_ }}",
                new Dictionary<string, object?> { ["dir"] = folder, ["secret"] = secret });
            var error = Assert.IsType<ErrorRecord>(Assert.Single(output).BaseObject);
            return (error, errors, progress, clock.Elapsed);
        }

        [Fact]
        public void AnInvalidStatsBindAddressIsRefusedWithItsIdBeforeAnyConnection()
        {
            var (error, written, progress, took) = Fails("$inventory | Install-HaPgHaproxy -StatsBindAddress x");

            Assert.StartsWith("HaPg.Haproxy.InvalidBindAddress", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Empty(written); // no HaPg.Ssh.* error from a node
            Assert.Empty(progress); // every remote read writes progress: none ran
            Assert.True(took < TimeSpan.FromSeconds(10), $"took {took}"); // within a connect timeout (10 s), where TEST-NET drops packets
        }

        [Fact]
        public void TheMessageOfAnEngineErrorHasTheInventorysSecretsMasked()
        {
            var secret = new System.Net.NetworkCredential(string.Empty, "not-an-ip-s3cret").SecurePassword;
            var (error, _, _, _) = Fails("$inventory.Secrets.SuperuserPassword = $secret; $inventory | Install-HaPgHaproxy -StatsBindAddress not-an-ip-s3cret",
                secret);

            Assert.StartsWith("HaPg.Haproxy.InvalidBindAddress", error.FullyQualifiedErrorId);
            Assert.Equal("Node 'node-5': bind address '***' is not an IP address.", error.ErrorDetails?.Message);
            Assert.Equal("Node 'node-5': bind address '***' is not an IP address.", error.Exception.Message);
            Assert.DoesNotContain("s3cret", error.ToString());
        }

        // The inventory is mutable after New-HaPgInventory validated it: every cmdlet on it validates it again, before any host.
        [Theory]
        [InlineData("$inventory.Nodes[0].Name = \"node-1`n\"; $inventory | Set-HaPgFirewall -WhatIf", "HaPg.Inventory.ControlCharacter", "\"node-1\\n\"")]
        [InlineData("$inventory.Nodes[4].Address = \"192.0.2.15`n\"; $inventory | Install-HaPgHaproxy -WhatIf", "HaPg.Inventory.ControlCharacter", "\"192.0.2.15\\n\"")]
        [InlineData("$inventory.Nodes[1].Address = '192.0.2.11'; $inventory | Install-HaPgEtcd -WhatIf", "HaPg.Inventory.DuplicateAddress", "node-2")]
        [InlineData("$inventory.ClusterName = 'pg cluster'; $inventory | Test-HaPgConnection", "HaPg.Inventory.InvalidClusterName", "pg cluster")]
        [InlineData("$inventory.Nodes[0].User = \"root`r\"; $inventory | Get-HaPgFirewallRule", "HaPg.Inventory.ControlCharacter", "\"root\\r\"")]
        public void AnInventoryChangedAfterValidationIsValidatedAgainBeforeAnyHost(string command, string id, string mentions)
        {
            var (error, written, progress, took) = Fails(command);

            Assert.StartsWith(id + ",", error.FullyQualifiedErrorId);
            Assert.Contains(mentions, error.Exception.Message);
            Assert.DoesNotContain(error.Exception.Message, char.IsControl);
            Assert.Empty(written);
            Assert.Empty(progress);
            Assert.True(took < TimeSpan.FromSeconds(10), $"took {took}");
        }
    }
}
