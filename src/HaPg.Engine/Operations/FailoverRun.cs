using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HaPg.Failover;
using HaPg.Failover.Report;
using HaPg.Inventory;
using HaPg.Results;

namespace HaPg.Operations
{
    /// <summary>
    /// Failover tests, one scenario at a time, for one or more inventories, and the report of every scenario run. Each scenario
    /// asks ShouldProcess first and runs from the first database node (see <see cref="FailoverScenarioRunner"/>); one that ends
    /// in an error is kept as not measured, for the report. The test table is dropped after the last scenario unless kept.
    /// </summary>
    public sealed class FailoverRun
    {
        private readonly FailoverOptions options;
        private readonly IReadOnlyList<HaPgFailoverScenario> scenarios;
        private readonly bool keepTable;
        private readonly List<HaPgFailoverResult> reported = new List<HaPgFailoverResult>();
        private readonly List<FailoverReportDocument.Unmeasured> unmeasured = new List<FailoverReportDocument.Unmeasured>();

        public FailoverRun(FailoverOptions options, IEnumerable<HaPgFailoverScenario> scenarios, bool keepTable)
        {
            this.options = options;
            this.scenarios = scenarios.ToList();
            this.keepTable = keepTable;
        }

        /// <summary>Every scenario's result so far, over all inventories.</summary>
        public IReadOnlyList<HaPgFailoverResult> Results => reported;

        /// <summary>The scenarios that ended in an error, so far.</summary>
        public IReadOnlyList<FailoverReportDocument.Unmeasured> Unmeasured
        {
            get
            {
                lock (unmeasured)
                {
                    return unmeasured.ToList();
                }
            }
        }

        /// <summary>
        /// Takes the cluster's deployed secrets, then runs each approved scenario from the first of <paramref name="databaseNodes"/>
        /// and writes its result. Returns this inventory's results.
        /// </summary>
        public IReadOnlyList<HaPgFailoverResult> Run(OperationContext operation, IReadOnlyList<HaPgNode> databaseNodes)
        {
            var inventory = operation.Inventory;
            operation.AdoptDeployedSecrets();
            operation.AdoptDeployedSecrets(DeployedSecretFile.Application);
            operation.ClusterCa(); // the writer and the prober verify PostgreSQL against it
            var anchor = databaseNodes.Take(1).ToList();
            var runId = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
            var results = new List<HaPgFailoverResult>();
            var ran = false;
            foreach (var scenario in scenarios)
            {
                var name = scenario.ToString();
                if (!operation.Sink.ShouldProcess(inventory.ClusterName, $"Failover test {name}: inject the fault, measure, restore"))
                {
                    continue;
                }

                ran = true;
                var measured = operation.Run(anchor, $"Failover test: {name}", async context =>
                {
                    try
                    {
                        var result = await new FailoverScenarioRunner(inventory, context, options).RunAsync(scenario, $"{runId}-{name}").ConfigureAwait(false);
                        result.Step = operation.StepName;
                        return result;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        lock (unmeasured) unmeasured.Add(new FailoverReportDocument.Unmeasured(scenario, ex.Message, inventory));
                        throw;
                    }
                }, throttleLimit: 1);
                results.AddRange(measured);
                reported.AddRange(measured);
            }

            if (ran && !keepTable)
            {
                operation.Run(anchor, "Dropping the test table", async context =>
                {
                    await FailoverScenarioRunner.DropTableAsync(inventory, context.CancellationToken).ConfigureAwait(false);
                    return (HaPgFailoverResult?)null;
                }, throttleLimit: 1);
            }

            return results;
        }

        /// <summary>
        /// Writes one HTML report of every scenario run so far to <paramref name="file"/> (replacing it) and returns the line that
        /// names it; returns null, writing nothing, when no scenario ran.
        /// </summary>
        public string? SaveReport(string file, DateTimeOffset generatedAt)
        {
            var gaps = Unmeasured;
            if (reported.Count == 0 && gaps.Count == 0)
            {
                return null;
            }

            new FailoverReportDocument(reported, generatedAt, gaps).Save(file);
            var notMeasured = gaps.Count == 0 ? string.Empty : $", {gaps.Count} not measured";
            return $"Failover report ({reported.Count} scenario run(s){notMeasured}): {file}";
        }
    }
}
