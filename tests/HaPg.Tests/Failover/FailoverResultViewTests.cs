using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using HaPg.Failover;
using HaPg.Results;
using Xunit;

namespace HaPg.Tests.Failover
{
    public sealed class FailoverResultViewTests
    {
        [Fact]
        public void OneLinePerScenarioWithinHundredTwentyColumns()
        {
            var formatFile = Path.Combine(RepositoryRoot(), "HaPg.Format.ps1xml");
            var results = new[]
            {
                new HaPgFailoverResult
                {
                    Scenario = HaPgFailoverScenario.EtcdMemberLoss, OldLeader = "pg-node-one", NewLeader = "pg-node-two",
                    WriteDowntime = TimeSpan.FromMilliseconds(12345), AcknowledgedWrites = 123456, LostWrites = 3,
                    UnexpectedWrites = 1, SplitBrainObserved = true, OldLeaderRejoined = true, Passed = false,
                },
                new HaPgFailoverResult { Scenario = HaPgFailoverScenario.Crash, OldLeader = "node-1" },
            };
            using var host = new PowerShellHost();

            var (output, errors) = host.Invoke(
                "Update-FormatData -PrependPath $formatFile; $results | Format-Table | Out-String -Width 120",
                new Dictionary<string, object?> { ["formatFile"] = formatFile, ["results"] = results });

            Assert.Empty(errors);
            var lines = string.Concat(output.Select(o => o.ToString())).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();
            Assert.All(lines, l => Assert.True(l.Length <= 120, l));
            Assert.Equal(new[] { "Scenario", "OldLeader", "NewLeader", "Downtime", "Acked", "Lost", "Unexpected", "SplitBrain", "Rejoined", "Passed" },
                lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal(4, lines.Count);
            Assert.Equal(new[] { "EtcdMemberLoss", "pg-node-one", "pg-node-two", "12.3s", "123456", "3", "1", "True", "True", "False" },
                lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal(new[] { "Crash", "node-1", "-", "0", "0", "0", "False", "False", "False" },
                lines[3].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }

        internal static string RepositoryRoot()
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "HaPgPs.sln"))) return directory.FullName;
            }

            throw new InvalidOperationException("HaPgPs.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
