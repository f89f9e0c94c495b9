using System.Management.Automation;

namespace HaPg.Inventory
{
    /// <summary>One finding of <see cref="InventoryValidator"/>: an error, or a warning that does not stop the run.</summary>
    public sealed class InventoryIssue
    {
        public InventoryIssue(string errorId, string message, ErrorCategory category, object? target, string? key, bool isWarning = false)
        {
            ErrorId = errorId;
            Message = message;
            Category = category;
            Target = target;
            Key = key;
            IsWarning = isWarning;
        }

        public string ErrorId { get; }
        public string Message { get; }
        public ErrorCategory Category { get; }

        /// <summary>The failing item: the node, or the inventory value at fault.</summary>
        public object? Target { get; }

        /// <summary>Where the value lives in the YAML form, e.g. <c>nodes[1].address</c> or <c>ports.postgres</c>.</summary>
        public string? Key { get; }

        public bool IsWarning { get; }

        public override string ToString() => $"{ErrorId}: {Message}";
    }
}
