using System.Diagnostics;
using HaPg.Remote;

namespace HaPg.Steps
{
    /// <summary>A file a component wants on a node: where, what, and with which mode and owner.</summary>
    [DebuggerDisplay("{ToString(),nq}")]
    public sealed class DesiredFile
    {
        public DesiredFile(string path, string content, string mode, string owner, string group, bool containsSecrets,
            string? validateCommand = null)
        {
            Path = path;
            Content = content;
            Mode = mode;
            Owner = owner;
            Group = group;
            ContainsSecrets = containsSecrets;
            ValidateCommand = validateCommand;
        }

        public string Path { get; }

        /// <summary>The full file text. May hold passwords when <see cref="ContainsSecrets"/> is set: never log it.</summary>
        public string Content { get; }

        /// <summary>Octal mode, e.g. "0600".</summary>
        public string Mode { get; }

        public string Owner { get; }

        public string Group { get; }

        public bool ContainsSecrets { get; }

        /// <summary>Command that validates a candidate file; "{0}" stands for its path. Null when there is none.</summary>
        public string? ValidateCommand { get; }

        /// <summary>The validate command for a candidate path, or null.</summary>
        public string? ValidateCommandFor(string candidatePath) =>
            ValidateCommand is null ? null : string.Format(System.Globalization.CultureInfo.InvariantCulture, ValidateCommand, ShellQuote.Quote(candidatePath));

        public override string ToString() => $"{Path} ({Mode} {Owner}:{Group}{(ContainsSecrets ? ", secrets" : string.Empty)})";
    }
}
