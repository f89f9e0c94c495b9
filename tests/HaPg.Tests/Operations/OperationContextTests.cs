using System.Linq;
using System.Threading.Tasks;
using HaPg.Components.Common;
using HaPg.Inventory;
using HaPg.Results;
using HaPg.Steps;
using HaPg.Tests.Components;
using Xunit;

namespace HaPg.Tests.Operations
{
    public class OperationContextTests
    {
        private static NodePlan Touch(HaPgNode node) =>
            new NodePlan(node, new NodeStep[] { new CommandStep("touch marker", "test -e /tmp/marker", "touch /tmp/marker") });

        private static void NoMarkerYet(OperationHarness harness)
        {
            foreach (var host in harness.Hosts.Values)
            {
                host.On("^test -e /tmp/marker$", 1);
            }
        }

        [Fact]
        public void RunsEachApprovedPlanOnItsOwnNodeAndStampsTheResult()
        {
            using var harness = new OperationHarness(TestInventory.ThreeNodes(), "Set-Example");
            harness.Hosts["pg2"].On("^test -e /tmp/marker$", 0);
            NoMarkerYet(harness);
            var plans = harness.Inventory.Nodes.Select(Touch).ToList();

            var results = harness.Context.RunPlans(plans, "Touching", (c, o) => Task.FromResult<HaPgResult>(new HaPgFirewallResult()), HaPgRole.None,
                () => new HaPgFirewallResult());

            Assert.Equal(new[] { "pg1", "pg2", "pg3" }, results.Select(r => r.Node).OrderBy(n => n));
            Assert.All(results, r => Assert.Equal("Set-Example", r.Step));
            Assert.Equal(new[] { "pg1", "pg3" }, results.Where(r => r.Changed).Select(r => r.Node).OrderBy(n => n));
            Assert.Contains("touch /tmp/marker", harness.Hosts["pg1"].Texts);
            Assert.DoesNotContain("touch /tmp/marker", harness.Hosts["pg2"].Texts);
            Assert.Equal(3, harness.Sink.Results<HaPgResult>().Count());
            Assert.Empty(harness.Sink.Errors);
        }

        [Fact]
        public void UnderWhatIfShowsEveryPlanPerNodeAndTouchesNothing()
        {
            using var harness = new OperationHarness(TestInventory.ThreeNodes());
            harness.Sink.IsWhatIf = true;
            var plans = harness.Inventory.Nodes.Select(Touch).ToList();

            var ran = harness.Context.RunPlans(plans, "Touching", (c, o) => Task.FromResult<HaPgResult>(new HaPgFirewallResult()), HaPgRole.None,
                () => new HaPgFirewallResult());

            Assert.Empty(ran);
            Assert.All(harness.Hosts.Values, h => Assert.Empty(h.Commands));
            Assert.Equal(new[] { "pg1 (10.0.0.11)", "pg2 (10.0.0.12)", "pg3 (10.0.0.13)" }, harness.Sink.Asked.Select(a => a.Target));
            Assert.All(harness.Sink.Asked, a => Assert.Contains("run:   touch /tmp/marker", a.Action));
            Assert.All(harness.Sink.Results<HaPgResult>(), r => Assert.Equal(HaPgStatus.WhatIf, r.Status));
        }

        [Fact]
        public void AFailingNodeIsNamedInItsErrorAndTheOthersFinish()
        {
            using var harness = new OperationHarness(TestInventory.ThreeNodes());
            harness.Hosts["pg3"].On("^touch", 1, stderr: "read-only file system");
            NoMarkerYet(harness);
            var plans = harness.Inventory.Nodes.Select(Touch).ToList();

            var results = harness.Context.RunPlans(plans, "Touching", (c, o) => Task.FromResult<HaPgResult>(new HaPgFirewallResult()), HaPgRole.None,
                () => new HaPgFirewallResult());

            Assert.Equal(new[] { "pg1", "pg2" }, results.Select(r => r.Node).OrderBy(n => n));
            var error = Assert.Single(harness.Sink.Errors);
            Assert.Equal("pg3", ((HaPgNode)error.TargetObject).Name);
            Assert.Contains("read-only file system", error.ErrorDetails?.Message ?? error.Exception.Message);
        }

        [Fact]
        public void AnEngineErrorInOneNodesWorkKeepsItsIdAndNamesTheNode()
        {
            using var harness = new OperationHarness(TestInventory.ThreeNodes());

            var done = harness.Context.Run(harness.Inventory.Nodes, "Checking", context =>
                context.Node.Name == "pg2"
                    ? throw new HaPgValidationException("HaPg.Example.Refused", "the example refuses", null)
                    : System.Threading.Tasks.Task.FromResult(context.Node.Name), writeResults: false);

            Assert.Equal(new[] { "pg1", "pg3" }, done.OrderBy(n => n));
            var error = Assert.Single(harness.Sink.Errors);
            Assert.Equal("HaPg.Example.Refused", error.FullyQualifiedErrorId);
            Assert.Equal("pg2", ((HaPgNode)error.TargetObject).Name);
            Assert.StartsWith("pg2: the example refuses", error.Exception.Message);
        }

        [Fact]
        public void AnUnsupportedPlatformIsRefusedForAllNodesAtOnceAsAValidationError()
        {
            using var harness = new OperationHarness(TestInventory.ThreeNodes());
            foreach (var host in harness.Hosts.Values)
            {
                host.On("os-release", 0, "ID=ubuntu\nVERSION_ID=\"22.04\"\nVERSION_CODENAME=jammy\n");
            }

            var error = Assert.Throws<HaPgValidationException>(() => harness.Context.RequireSupportedPlatform(harness.Inventory.Nodes));
            Assert.Equal("HaPg.Platform.Unsupported", error.Issue.Id);
        }
    }
}
