using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace HaPg
{
    public enum IssueSeverity
    {
        Warning,
        Error,
    }

    /// <summary>
    /// A problem found in the input before any host is touched: by the inventory's validator or by pure component logic.
    /// <see cref="Id"/> is a stable HaPg.Area.What id.
    /// </summary>
    public sealed class ValidationIssue
    {
        public ValidationIssue(string id, IssueSeverity severity, string message, object? target,
            ErrorCategory category = ErrorCategory.InvalidData, string? key = null)
        {
            Id = id;
            Severity = severity;
            Message = message;
            Target = target;
            Category = category;
            Key = key;
        }

        public string Id { get; }
        public IssueSeverity Severity { get; }
        public string Message { get; }

        /// <summary>The failing item (a node, a network, the inventory or the value at fault); never a component object.</summary>
        public object? Target { get; }

        public ErrorCategory Category { get; }

        /// <summary>Where the value lives in the inventory's YAML form, e.g. <c>nodes[1].address</c> or <c>ports.postgres</c>; null when none.</summary>
        public string? Key { get; }

        public ErrorRecord ToErrorRecord() => new HaPgValidationException(this).ToErrorRecord();

        public override string ToString() => $"{Severity} {Id}: {Message}";
    }

    /// <summary>Thrown by pure component logic on bad input; carries the issue so a cmdlet can build its ErrorRecord.</summary>
    public sealed class HaPgValidationException : HaPgException
    {
        public HaPgValidationException(ValidationIssue issue)
            : base(issue.Id, issue.Category, issue.Target, issue.Message) => Issue = issue;

        private HaPgValidationException(ValidationIssue issue, System.Exception? innerException)
            : base(issue.Id, issue.Category, issue.Target, issue.Message, innerException) => Issue = issue;

        public HaPgValidationException(string id, string message, object? target,
            ErrorCategory category = ErrorCategory.InvalidData)
            : this(new ValidationIssue(id, IssueSeverity.Error, message, target, category))
        {
        }

        public ValidationIssue Issue { get; }

        protected override HaPgException WithMessage(string message, System.Exception? innerException) =>
            new HaPgValidationException(new ValidationIssue(Issue.Id, Issue.Severity, message, Issue.Target, Issue.Category, Issue.Key), innerException);
    }

    public static class ValidationIssueExtensions
    {
        /// <summary>Throws the first error of the list, if any; warnings pass.</summary>
        public static void ThrowIfAnyError(this IEnumerable<ValidationIssue> issues)
        {
            var error = issues.FirstOrDefault(i => i.Severity == IssueSeverity.Error);
            if (error is not null)
            {
                throw new HaPgValidationException(error);
            }
        }
    }
}
