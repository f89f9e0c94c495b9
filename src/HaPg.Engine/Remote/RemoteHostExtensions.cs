using System;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace HaPg.Remote
{
    /// <summary>
    /// What components do on a node, built only on <see cref="IRemoteHost.ExecuteAsync"/> (so a test
    /// double works too). Every command runs under sudo unless the RemoteCommand says otherwise.
    /// </summary>
    public static class RemoteHostExtensions
    {
        private const int MissingExitCode = 44;
        private const int StderrTailLines = 10;

        /// <summary>Runs a command; a non-zero exit throws HaPg.Remote.CommandFailed naming the node and step.</summary>
        public static async Task<RemoteCommandResult> RunAsync(this IRemoteHost host, RemoteCommand command, CancellationToken cancellationToken, string? step = null)
        {
            var result = await host.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw CommandFailed(host, command, result, step);
            }

            return result;
        }

        /// <summary>Runs a command text under sudo; a non-zero exit throws HaPg.Remote.CommandFailed.</summary>
        public static Task<RemoteCommandResult> RunAsync(this IRemoteHost host, string command, CancellationToken cancellationToken, string? step = null) =>
            host.RunAsync(new RemoteCommand(command), cancellationToken, step);

        /// <summary>The file's content, or null when it does not exist. Not echoed to verbose output.</summary>
        public static async Task<string?> ReadFileAsync(this IRemoteHost host, string path, CancellationToken cancellationToken)
        {
            var command = new RemoteCommand($"f={ShellQuote.Quote(path)}; [ -e \"$f\" ] || exit {MissingExitCode}; cat -- \"$f\"") { LogStdout = false };
            var result = await host.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode == MissingExitCode)
            {
                return null;
            }

            return result.Succeeded ? result.Stdout : throw CommandFailed(host, command, result, $"read {path}");
        }

        /// <summary>Whether the file exists, and its SHA-256, mode, owner and group.</summary>
        public static async Task<RemoteFileState> GetFileStateAsync(this IRemoteHost host, string path, CancellationToken cancellationToken)
        {
            var command = new RemoteCommand(
                $"f={ShellQuote.Quote(path)}; [ -e \"$f\" ] || exit {MissingExitCode}; " +
                "stat -L -c '%a %U %G' -- \"$f\" && sha256sum -- \"$f\" | cut -d ' ' -f 1");
            var result = await host.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode == MissingExitCode)
            {
                return RemoteFileState.Missing;
            }

            var fields = result.Stdout.Split(new[] { ' ', '\n' }, StringSplitOptions.RemoveEmptyEntries);
            if (!result.Succeeded || fields.Length != 4)
            {
                throw CommandFailed(host, command, result, $"stat {path}");
            }

            return new RemoteFileState(true, fields[3], NormalizeMode(fields[0]), fields[1], fields[2]);
        }

        /// <summary>
        /// Writes a file atomically, creating its directory (0755) if missing: the content goes (on stdin, umask 077) to a temp file in the same
        /// directory, which gets its owner and mode, is checked by <paramref name="validateCommand"/> if
        /// given ({0} = the temp file's path, e.g. "haproxy -c -f {0}"; other braces are left alone), then replaces the file with mv -f.
        /// On any failure the temp file is removed and HaPg.Remote.CommandFailed is thrown.
        /// </summary>
        public static Task WriteFileAsync(this IRemoteHost host, string path, string content, string mode, string owner, string group,
            string? validateCommand, CancellationToken cancellationToken)
        {
            var script = new StringBuilder()
                .Append("set -e\n")
                .Append($"target={ShellQuote.Quote(path)}\n")
                .Append("test -d \"$(dirname -- \"$target\")\" || mkdir -p -m 0755 -- \"$(dirname -- \"$target\")\"\n")
                .Append("tmp=$(umask 077 && mktemp -- \"$(dirname -- \"$target\")/.$(basename -- \"$target\").hapg-XXXXXX\")\n")
                .Append("trap 'rm -f -- \"$tmp\"' EXIT\n")
                .Append("cat > \"$tmp\"\n")
                .Append($"chown {ShellQuote.Quote(owner + ":" + group)} -- \"$tmp\"\n")
                .Append($"chmod {ShellQuote.Quote(NormalizeMode(mode))} -- \"$tmp\"\n");
            if (!string.IsNullOrWhiteSpace(validateCommand))
            {
                script.Append(validateCommand!.Replace("{0}", "\"$tmp\"")).Append('\n');
            }

            script.Append("mv -f -- \"$tmp\" \"$target\"\n");
            return host.RunAsync(new RemoteCommand(script.ToString()) { Stdin = content }, cancellationToken, $"write {path}");
        }

        /// <summary>
        /// Writes the file (see WriteFileAsync) only when its content, mode, owner or group differ.
        /// Returns true when it changed the file.
        /// </summary>
        public static async Task<bool> EnsureFileAsync(this IRemoteHost host, string path, string content, string mode, string owner, string group,
            string? validateCommand, CancellationToken cancellationToken)
        {
            var state = await host.GetFileStateAsync(path, cancellationToken).ConfigureAwait(false);
            if (state.Exists && state.Sha256 == Sha256Hex(content) && state.Mode == NormalizeMode(mode)
                && state.Owner == owner && state.Group == group)
            {
                return false;
            }

            await host.WriteFileAsync(path, content, mode, owner, group, validateCommand, cancellationToken).ConfigureAwait(false);
            return true;
        }

        /// <summary>HaPg.Remote.CommandFailed with the exit code and the last stderr lines, redacted.</summary>
        public static HaPgRemoteException CommandFailed(IRemoteHost host, RemoteCommand command, RemoteCommandResult result, string? step = null)
        {
            var redactor = new Redactor(command.Secrets);
            var exit = result.ExitCode is int code ? $"exit code {code}" : "a signal";
            var what = step ?? FirstLine(redactor.Redact(command.Text));
            var stderr = redactor.Redact(SshNodeConnection.Tail(result.Stderr, StderrTailLines));
            return new HaPgRemoteException(RemoteErrorId.CommandFailed, ErrorCategory.InvalidResult, host.Node,
                $"{host.Node.Name}: {what} failed with {exit}." + (stderr.Length > 0 ? Environment.NewLine + stderr : string.Empty));
        }

        internal static string Sha256Hex(string content)
        {
            using var sha = SHA256.Create();
            return string.Concat(sha.ComputeHash(Encoding.UTF8.GetBytes(content)).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }

        /// <summary>"644", "0644" -> "0644". Rejects anything but 3 or 4 octal digits.</summary>
        internal static string NormalizeMode(string mode)
        {
            if (mode.Length < 3 || mode.Length > 4 || mode.Any(c => c < '0' || c > '7'))
            {
                throw new ArgumentException($"'{mode}' is not an octal file mode such as 0640.", nameof(mode));
            }

            return mode.PadLeft(4, '0');
        }

        private static string FirstLine(string text)
        {
            var line = text.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? string.Empty;
            return line.Length > 80 ? line.Substring(0, 77) + "..." : line;
        }
    }
}
