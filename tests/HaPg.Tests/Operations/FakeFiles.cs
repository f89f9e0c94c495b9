using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using HaPg.Components.Common;
using HaPg.Remote;
using HaPg.Steps;
using HaPg.Tests.Steps;

namespace HaPg.Tests.Operations
{
    /// <summary>
    /// A node's files behind a <see cref="RecordingHost"/>: answers the read, stat and atomic write that RemoteHostExtensions
    /// send, so a plan's files are really compared and kept. Writes go to a log shared by every node, in order.
    /// </summary>
    internal sealed class FakeFiles
    {
        private static readonly Regex Read = new Regex("^f='(?<path>[^']*)'; \\[ -e \"\\$f\" \\] \\|\\| exit 44; cat -- ");
        private static readonly Regex Stat = new Regex("^f='(?<path>[^']*)'; \\[ -e \"\\$f\" \\] \\|\\| exit 44; stat -L -c ");
        private static readonly Regex Write = new Regex("^set -e\ntarget='(?<path>[^']*)'\n.*chown '(?<owner>[^:']*):(?<group>[^']*)' .*chmod '(?<mode>[0-7]+)' ",
            RegexOptions.Singleline);

        private readonly ConcurrentDictionary<string, (string Content, string Mode, string Owner, string Group)> files =
            new ConcurrentDictionary<string, (string, string, string, string)>();

        /// <summary>Answers <paramref name="host"/>'s file commands from now on; register before other answers that could match them.</summary>
        public FakeFiles(RecordingHost host, ConcurrentQueue<string>? writes = null)
        {
            var node = host.Node.Name;
            host.On(Read.ToString(), command => files.TryGetValue(Path(Read, command), out var file)
                    ? new RemoteCommandResult { ExitCode = 0, Stdout = file.Content }
                    : new RemoteCommandResult { ExitCode = 44 })
                .On(Stat.ToString(), command => files.TryGetValue(Path(Stat, command), out var file)
                    ? new RemoteCommandResult { ExitCode = 0, Stdout = $"{file.Mode.TrimStart('0')} {file.Owner} {file.Group}\n{RemoteHostExtensions.Sha256Hex(file.Content)}\n" }
                    : new RemoteCommandResult { ExitCode = 44 })
                .On("^set -e\ntarget=", command =>
                {
                    var match = Write.Match(command.Text);
                    files[match.Groups["path"].Value] = (command.Stdin ?? string.Empty, match.Groups["mode"].Value, match.Groups["owner"].Value, match.Groups["group"].Value);
                    writes?.Enqueue($"{node} {match.Groups["path"].Value}");
                    return new RemoteCommandResult { ExitCode = 0 };
                });
        }

        public IEnumerable<string> Paths => files.Keys;

        public string? this[string path] => files.TryGetValue(path, out var file) ? file.Content : null;

        /// <summary>The mode ("0600"), owner and group of the file at <paramref name="path"/>, or null when there is none.</summary>
        public (string Mode, string Owner, string Group)? State(string path) =>
            files.TryGetValue(path, out var file) ? (file.Mode.PadLeft(4, '0'), file.Owner, file.Group) : ((string, string, string)?)null;

        /// <summary>Puts <paramref name="file"/> on the node as if deployed.</summary>
        public FakeFiles Put(DesiredFile file)
        {
            files[file.Path] = (file.Content, file.Mode, file.Owner, file.Group);
            return this;
        }

        /// <summary>Puts a file with this content (mode 0600, root) on the node.</summary>
        public FakeFiles Put(string path, string content)
        {
            files[path] = (content, "0600", "root", "root");
            return this;
        }

        private static string Path(Regex regex, RemoteCommand command) => regex.Match(command.Text).Groups["path"].Value;
    }
}
