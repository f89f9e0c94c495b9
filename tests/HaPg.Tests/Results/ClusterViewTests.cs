using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using HaPg.Components.Cluster;
using HaPg.Components.Firewall;
using HaPg.Results;
using HaPg.Tests.Failover;
using Xunit;

namespace HaPg.Tests.Results
{
    /// <summary>The cluster cmdlets' table views: their headers, one line per object, and 120 columns.</summary>
    public sealed class ClusterViewTests
    {
        public static TheoryData<object, string[], string[]> Views() => new TheoryData<object, string[], string[]>
        {
            {
                new HaPgClusterMember { Member = "node-2", Host = "10.213.155.12", Role = "replica", State = "streaming", Timeline = 3, LagBytes = 4096,
                    HaproxyPrimary = "node-5:DOWN", HaproxyReplicas = "node-5:UP", Etcd = "3/3 healthy, leader node-1" },
                new[] { "Member", "Host", "Role", "State", "TL", "Lag", "HAProxy 5000", "HAProxy 5001", "Etcd" },
                new[] { "node-2", "10.213.155.12", "replica", "streaming", "3", "4096", "node-5:DOWN", "node-5:UP", "3/3 healthy, leader node-1" }
            },
            {
                new ClusterCheck("ReplicaStreaming", "node-3", false, "not a member of the cluster"),
                new[] { "Name", "Node", "Result", "Detail" },
                new[] { "ReplicaStreaming", "node-3", "FAIL", "not a member of the cluster" }
            },
            {
                new FirewallRule("node-5", "haproxy-replicas", 5001, new[] { "10.0.0.0/24", "192.168.1.0/24" }),
                new[] { "Node", "Service", "Port", "Protocol", "Sources" },
                new[] { "node-5", "haproxy-replicas", "5001", "tcp", "10.0.0.0/24, 192.168.1.0/24" }
            },
            {
                Stamp(new HaPgEtcdResult { Healthy = true, IsLeader = false, Version = "3.4.23" }),
                new[] { "Node", "Changed", "Status", "Healthy", "Leader", "Version", "Duration" },
                new[] { "node-1", "True", "Succeeded", "True", "False", "3.4.23", "2.5s" }
            },
            {
                Stamp(new HaPgHaproxyResult { PrimaryUp = { "node-1" }, ReplicasUp = { "node-2", "node-3" } }),
                new[] { "Node", "Changed", "Status", "Primary UP", "Replicas UP", "Duration" },
                new[] { "node-1", "True", "Succeeded", "node-1", "node-2, node-3", "2.5s" }
            },
            {
                Stamp(new HaPgPatroniConfigResult { ClusterRole = "leader", State = "running", Timeline = 1, PendingRestart = true }),
                new[] { "Node", "Changed", "Status", "Role", "State", "TL", "Lag", "PendingRestart", "Duration" },
                new[] { "node-1", "True", "Succeeded", "leader", "running", "1", "True", "2.5s" }
            },
            {
                Stamp(new HaPgPatroniInstallResult { PostgresVersion = 15, PatroniVersion = "3.0.2-1", BinDir = "/usr/lib/postgresql/15/bin" }),
                new[] { "Node", "Changed", "Status", "Postgres", "Patroni", "BinDir", "Duration" },
                new[] { "node-1", "True", "Succeeded", "15", "3.0.2-1", "/usr/lib/postgresql/15/bin", "2.5s" }
            },
        };

        [Theory]
        [MemberData(nameof(Views))]
        public void RendersItsColumnsOnOneLineWithin120Columns(object value, string[] headers, string[] cells)
        {
            var formatFile = Path.Combine(FailoverResultViewTests.RepositoryRoot(), "HaPg.Format.ps1xml");
            using var host = new PowerShellHost();

            var (output, errors) = host.Invoke(
                "Update-FormatData -PrependPath $formatFile; $PSStyle.OutputRendering = 'PlainText'; $value | Format-Table | Out-String -Width 120",
                new Dictionary<string, object?> { ["formatFile"] = formatFile, ["value"] = value });

            Assert.Empty(errors);
            var lines = string.Concat(output.Select(o => o.ToString())).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();
            Assert.Equal(3, lines.Count);
            Assert.All(lines, l => Assert.True(l.Length <= 120, l));
            Assert.Equal(headers.Length, lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
            AssertInOrder(lines[0], headers);
            AssertInOrder(lines[2], cells);
        }

        private static HaPgResult Stamp(HaPgResult result)
        {
            result.Node = "node-1";
            result.Changed = true;
            result.Status = HaPgStatus.Succeeded;
            result.Duration = TimeSpan.FromSeconds(2.5);
            return result;
        }

        /// <summary>Asserts the texts appear in the line in this order, each after the previous one.</summary>
        private static void AssertInOrder(string line, IEnumerable<string> texts)
        {
            var position = 0;
            foreach (var text in texts.Where(t => t.Length > 0))
            {
                var found = line.IndexOf(text, position, StringComparison.Ordinal);
                Assert.True(found >= 0, $"'{text}' not found after column {position} in:\n{line}");
                position = found + text.Length;
            }
        }
    }
}
