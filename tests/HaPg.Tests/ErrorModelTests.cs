using System.Management.Automation;
using HaPg.Inventory;
using HaPg.Remote;
using Xunit;

namespace HaPg.Tests
{
    /// <summary>Every engine exception is an HaPgException whose ErrorRecord carries its id, category and target unchanged.</summary>
    public sealed class ErrorModelTests
    {
        private static readonly HaPgNode Node = new HaPgNode { Name = "node-1", Address = "10.0.0.11" };

        private static void AssertRecord(HaPgException error, string id, ErrorCategory category, object? target, string? nodeName)
        {
            var record = error.ToErrorRecord();
            Assert.Equal(id, record.FullyQualifiedErrorId);
            Assert.Equal(category, record.CategoryInfo.Category);
            Assert.Same(target, record.TargetObject);
            Assert.Same(error, record.Exception);
            Assert.Equal(nodeName, error.NodeName);
        }

        [Fact]
        public void ARemoteErrorTargetsItsNode() =>
            AssertRecord(new HaPgRemoteException(RemoteErrorId.Timeout, ErrorCategory.OperationTimeout, Node, "slow"),
                RemoteErrorId.Timeout, ErrorCategory.OperationTimeout, Node, "node-1");

        [Fact]
        public void AnInventoryErrorTargetsTheValueAtFault()
        {
            const string value = "10.0.0.300";
            AssertRecord(new HaPgInventoryException(InventoryErrorIds.InvalidAddress, "bad", ErrorCategory.InvalidArgument, value),
                InventoryErrorIds.InvalidAddress, ErrorCategory.InvalidArgument, value, null);
            AssertRecord(new HaPgInventoryException(InventoryErrorIds.InvalidUser, "bad", ErrorCategory.InvalidArgument, Node),
                InventoryErrorIds.InvalidUser, ErrorCategory.InvalidArgument, Node, "node-1");
        }

        [Fact]
        public void AValidationErrorCarriesItsIssue()
        {
            var issue = new ValidationIssue("HaPg.Haproxy.InvalidBindAddress", IssueSeverity.Error, "bad", Node, ErrorCategory.InvalidArgument, "nodes[0]");
            var error = new HaPgValidationException(issue);
            Assert.Same(issue, error.Issue);
            AssertRecord(error, issue.Id, ErrorCategory.InvalidArgument, Node, "node-1");
            Assert.Equal("HaPg.Haproxy.InvalidBindAddress", issue.ToErrorRecord().FullyQualifiedErrorId);
            Assert.Same(Node, issue.ToErrorRecord().TargetObject);
            Assert.Equal(ErrorCategory.InvalidData, new HaPgValidationException("HaPg.X.Y", "bad", null).Category);
        }
    }
}
