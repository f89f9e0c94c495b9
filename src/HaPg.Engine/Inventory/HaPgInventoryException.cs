using System;
using System.Management.Automation;

namespace HaPg.Inventory
{
    /// <summary>Bad inventory input, with the stable error id and the item at fault.</summary>
    public sealed class HaPgInventoryException : Exception
    {
        public HaPgInventoryException(string errorId, string message, ErrorCategory category, object? target, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Category = category;
            Target = target;
        }

        public string ErrorId { get; }
        public ErrorCategory Category { get; }
        public object? Target { get; }

        public ErrorRecord ToErrorRecord() => new ErrorRecord(this, ErrorId, Category, Target);
    }
}
