using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Operations;
using HaPg.Remote;
using HaPg.Results;
using HaPg.Steps;
using HaPg.Tests.Components;
using HaPg.Tests.Steps;
using Xunit;

namespace HaPg.Tests.Operations
{
    /// <summary>Two cmdlets of one pipeline: the first runs a plan on every node, the second must not build on what it left undone.</summary>
    public sealed class PipelineRecordTests : IDisposable
    {
        private readonly HaPgInventory inventory = TestInventory.ThreeNodes();
        private readonly Dictionary<string, RecordingHost> hosts;
        private readonly NodeRunner first, later;

        public PipelineRecordTests()
        {
            hosts = inventory.Nodes.ToDictionary(n => n.Name, n => new RecordingHost(n).On("^test -e /tmp/marker$", 1), StringComparer.OrdinalIgnoreCase);
            var pool = ConnectionPool.Over(inventory, node => hosts[node.Name]);
            first = new NodeRunner(FirstSink, _ => pool);
            later = new NodeRunner(LaterSink, _ => pool);
        }

        private RecordingSink FirstSink { get; } = new RecordingSink();

        private RecordingSink LaterSink { get; } = new RecordingSink();

        private void RunFirstCmdlet()
        {
            var plans = inventory.Nodes
                .Select(n => new NodePlan(n, new NodeStep[] { new CommandStep("touch marker", "test -e /tmp/marker", "touch /tmp/marker") }))
                .ToList();
            new OperationContext(inventory, first, "Set-Example").RunPlans(plans, "Touching",
                (c, o) => Task.FromResult<HaPgResult>(new HaPgFirewallResult()), HaPgRole.None, () => new HaPgFirewallResult());
        }

        [Fact]
        public void APlanSkippedUnderWhatIfIsRecordedAsNotDoneAndNotAsAFailure()
        {
            FirstSink.IsWhatIf = true;

            RunFirstCmdlet();

            var record = later.RecordOf(inventory);
            Assert.Empty(record.Failures);
            Assert.Equal(new[] { "pg1: Touching", "pg2: Touching", "pg3: Touching" }, record.NotDone);
        }

        [Fact]
        public void ALaterCmdletStopsAfterAWhatIfAndSaysTheStepWasNotRun()
        {
            FirstSink.IsWhatIf = true;
            RunFirstCmdlet();

            Assert.True(later.StopIfUpstreamFailed(inventory));

            var error = Assert.Single(LaterSink.Errors);
            Assert.Equal("HaPg.Pipeline.UpstreamFailed", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.OperationStopped, error.CategoryInfo.Category);
            Assert.Same(inventory, error.TargetObject);
            Assert.Equal(
                "Skipped: an earlier step of this pipeline was not run, under -WhatIf or declined (pg1: Touching; pg2: Touching; pg3: Touching). " +
                "Run the pipeline again without -WhatIf.", error.Exception.Message);
        }

        [Fact]
        public void ALaterCmdletStopsAfterAFailureAndSaysItFailed()
        {
            hosts["pg3"].On("^touch", 1, stderr: "read-only file system");
            RunFirstCmdlet();

            Assert.True(later.StopIfUpstreamFailed(inventory));

            var error = Assert.Single(LaterSink.Errors);
            Assert.Equal("HaPg.Pipeline.UpstreamFailed", error.FullyQualifiedErrorId);
            Assert.Equal("Skipped: an earlier step of this pipeline failed (pg3: Touching). Fix that and run the pipeline again.", error.Exception.Message);
            Assert.Equal(new[] { "pg3: Touching" }, later.RecordOf(inventory).Failures);
            Assert.Empty(later.RecordOf(inventory).NotDone);
        }

        [Fact]
        public void AfterAFailureEverythingUndoneIsNamedInOrderTheStepsNotRunMarked()
        {
            var record = later.RecordOf(inventory);
            record.RecordNotDone("pg1", "Installing etcd");
            record.RecordFailure("pg2", "Installing etcd");

            Assert.Equal("Skipped: an earlier step of this pipeline failed (pg1: Installing etcd (not run); pg2: Installing etcd). Fix that and run the pipeline again.",
                record.StopReason());
        }

        [Fact]
        public void ALaterCmdletGoesOnWhenEverythingEarlierWasDone()
        {
            RunFirstCmdlet();

            Assert.False(later.StopIfUpstreamFailed(inventory));
            Assert.Empty(LaterSink.Errors);
            Assert.Null(later.RecordOf(inventory).StopReason());
        }

        [Fact]
        public void AnotherPipelineStartsWithANewRecord()
        {
            FirstSink.IsWhatIf = true;
            RunFirstCmdlet();

            using var elsewhere = new NodeRunner(new RecordingSink(), i => ConnectionPool.Over(i, node => hosts[node.Name]));

            Assert.Null(elsewhere.RecordOf(inventory).StopReason());
        }

        public void Dispose()
        {
            first.Dispose();
            later.Dispose();
        }
    }
}
