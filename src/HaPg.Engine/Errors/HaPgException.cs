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

        /// <summary>
        /// This error with its message and every inner exception's passed through <paramref name="redact"/> (the session's
        /// secrets masked): itself when nothing changes, else a copy of the same type, id, category and target whose inner
        /// exceptions are redacted copies too (<see cref="RedactedException"/>). Every error leaves HaPg through this.
        /// </summary>
        public HaPgException Redacted(Func<string, string> redact)
        {
            var inner = RedactedException.Redact(InnerException, redact);
            var message = redact(Message);
            return message == Message && ReferenceEquals(inner, InnerException) ? this : WithMessage(message, inner);
        }

        /// <summary>The same error (type, id, category, target) with another message and inner exception.</summary>
        protected virtual HaPgException WithMessage(string message, Exception? innerException) =>
            new HaPgException(ErrorId, Category, Target, message, innerException);

        /// <summary>An ErrorRecord for WriteError or ThrowTerminatingError. Redact it first (<see cref="Redacted"/>).</summary>
        public ErrorRecord ToErrorRecord() => new ErrorRecord(this, ErrorId, Category, Target);
    }

    /// <summary>An error target that is one of the cluster's nodes (HaPgNode); keeps this folder free of the inventory's types.</summary>
    public interface INodeTarget
    {
        string Name { get; }
    }
}
