using System;
using System.Management.Automation;

namespace HaPg
{
    /// <summary>
    /// Every error HaPg raises: a stable HaPg.&lt;Area&gt;.&lt;What&gt; id, a category and the item at fault, which become
    /// the ErrorRecord's FullyQualifiedErrorId, CategoryInfo and TargetObject.
    /// </summary>
    public class HaPgException : Exception
    {
        public HaPgException(string errorId, ErrorCategory category, object? target, string message, Exception? innerException = null)
            : base(message, innerException)
        {
            ErrorId = errorId;
            Category = category;
            Target = target;
        }

        /// <summary>HaPg.&lt;Area&gt;.&lt;What&gt;; docs and tests use these strings, never rename one.</summary>
        public string ErrorId { get; }

        public ErrorCategory Category { get; }

        /// <summary>The failing item (a node, a network, the inventory, a value); the ErrorRecord's target.</summary>
        public object? Target { get; }

        /// <summary>The node the error concerns, when its target is one.</summary>
        public virtual string? NodeName => (Target as INodeTarget)?.Name;

        /// <summary>An ErrorRecord for WriteError or ThrowTerminatingError. Its message is not redacted: set ErrorDetails for that.</summary>
        public ErrorRecord ToErrorRecord() => new ErrorRecord(this, ErrorId, Category, Target);
    }

    /// <summary>An error target that is one of the cluster's nodes (HaPgNode); keeps this folder free of the inventory's types.</summary>
    public interface INodeTarget
    {
        string Name { get; }
    }
}
