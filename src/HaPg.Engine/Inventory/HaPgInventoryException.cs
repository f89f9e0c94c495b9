using System;
using System.Management.Automation;

namespace HaPg.Inventory
{
    /// <summary>Bad inventory input, with the stable error id and the item at fault.</summary>
    public sealed class HaPgInventoryException : HaPgException
    {
        public HaPgInventoryException(string errorId, string message, ErrorCategory category, object? target, Exception? inner = null)
            : base(errorId, category, target, message, inner)
        {
        }

        protected override HaPgException WithMessage(string message, Exception? innerException) =>
            new HaPgInventoryException(ErrorId, message, Category, Target, innerException);
    }
}
