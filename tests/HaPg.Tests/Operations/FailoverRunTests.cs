using System;
using System.IO;
using System.Linq;
using HaPg.Failover;
using HaPg.Operations;
using HaPg.Results;
using HaPg.Tests.Components;
using Xunit;

namespace HaPg.Tests.Operations
{
    public class FailoverRunTests
    {
        [Fact]
        public void AScenarioNotApprovedInjectsNothingAndLeavesNothingToReport()
        {
            using var harness = new OperationHarness(TestInventory.ThreeNodes(), "Test-HaPgFailover");
            harness.Sink.Approve = false;
            var run = new FailoverRun(new FailoverOptions(), new[] { HaPgFailoverScenario.Switchover, HaPgFailoverScenario.Crash }, keepTable: false);

            var results = run.Run(harness.Context, harness.Inventory.Nodes);

            Assert.Empty(results);
            Assert.Equal(new[] { ("demo", "Failover test Switchover: inject the fault, measure, restore"), ("demo", "Failover test Crash: inject the fault, measure, restore") },
                harness.Sink.Asked);
            // Only the deployed secrets and the cluster CA were read: no probe, no fault, no table to drop.
            var read = new[] { "f='/etc/patroni/config.yml'", "f='/etc/patroni/application.secret'", "f='/etc/hapg/tls/ca.crt'" };
            Assert.All(harness.Hosts.Values, h => Assert.All(h.Texts, t => Assert.Contains(read, r => t.StartsWith(r, StringComparison.Ordinal))));
            Assert.Null(run.SaveReport(Path.Combine(Path.GetTempPath(), "hapg-never-" + Guid.NewGuid().ToString("N") + ".html"), DateTimeOffset.Now));
        }

        [Fact]
        public void AScenarioThatEndsInAnErrorIsReportedAsNotMeasured()
        {
            using var harness = new OperationHarness(TestInventory.ThreeNodes(), "Test-HaPgFailover");
            foreach (var host in harness.Hosts.Values)
            {
                host.On("^python3 ", _ => throw new InvalidOperationException("no route to host"));
            }

            var run = new FailoverRun(new FailoverOptions(), new[] { HaPgFailoverScenario.Crash }, keepTable: true);
            var results = run.Run(harness.Context, harness.Inventory.Nodes);

            Assert.Empty(results);
            var gap = Assert.Single(run.Unmeasured);
            Assert.Equal((HaPgFailoverScenario.Crash, "no route to host"), (gap.Scenario, gap.Reason));
            var error = Assert.Single(harness.Sink.Errors);
            Assert.Contains("no route to host", error.Exception.Message);

            var file = Path.Combine(Path.GetTempPath(), "hapg-failover-" + Guid.NewGuid().ToString("N") + ".html");
            try
            {
                Assert.Equal($"Failover report (0 scenario run(s), 1 not measured): {file}", run.SaveReport(file, DateTimeOffset.Now));
                Assert.Contains("Crash", File.ReadAllText(file));
            }
            finally
            {
                File.Delete(file);
            }
        }
    }
}
