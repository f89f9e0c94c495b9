using System;
using System.Linq;
using System.Text;
using HaPg.Inventory;

namespace HaPg.Remote
{
    /// <summary>
    /// The exact exec line and stdin for a command: sh -c '&lt;text&gt;', under sudo when asked. A sudo
    /// password only ever travels on stdin, never on the command line.
    /// </summary>
    internal static class RemoteCommandLine
    {
        // With a password, stdin is "password\nMARKER\n<stdin>". If sudo needed no password after all
        // (NOPASSWD), the password line is still unread: the preamble drops it, so it never reaches the command.
        internal const string StdinMarker = "HAPG-STDIN-7f3a";

        private const string Preamble =
            "IFS= read -r hapg_line; [ \"$hapg_line\" = " + StdinMarker + " ] || IFS= read -r hapg_line; unset hapg_line\n";

        private static readonly string[] RefusalMarkers =
        {
            "a password is required", "incorrect password", "Sorry, try again", "is not in the sudoers",
            "is not allowed to execute", "a terminal is required", "no password was provided", "may not run sudo",
        };

        /// <summary>
        /// The exec line. <paramref name="tag"/> becomes the script's $0, so <see cref="KillByTag"/> can find it;
        /// exec makes sudo (or sh) the session's process, which receives SSH's signal.
        /// </summary>
        internal static string Build(string text, SudoMode mode, string tag)
        {
            switch (mode)
            {
                case SudoMode.Passwordless:
                    return $"exec sudo -n -- sh -c {ShellQuote.Quote(text)} {tag}";
                case SudoMode.Password:
                    // -k: always ask, so the password line is always consumed by sudo when one is required.
                    return $"exec sudo -k -S -p '' -- sh -c {ShellQuote.Quote(Preamble + text)} {tag}";
                default:
                    return $"exec sh -c {ShellQuote.Quote(text)} {tag}";
            }
        }

        /// <summary>A fresh tag: hapg- and 12 hex digits.</summary>
        internal static string NewTag() => "hapg-" + Guid.NewGuid().ToString("N").Substring(0, 12);

        /// <summary>
        /// Stops a cancelled command and everything it started: TERM to the process group of the sh that
        /// carries the tag. ("hapg[-]" matches the tag but not this command's own command line.)
        /// </summary>
        internal static string KillByTag(string tag) =>
            $"for p in $(pgrep -f -- 'hapg[-]{tag.Substring(5)}'); do g=$(ps -o pgid= -p \"$p\" | tr -d ' '); " +
            "[ -n \"$g\" ] && kill -TERM \"-$g\" 2>/dev/null; done; true";

        internal static byte[] Stdin(string? stdin, SudoMode mode, string? sudoPassword)
        {
            var text = mode == SudoMode.Password ? $"{sudoPassword}\n{StdinMarker}\n{stdin}" : stdin ?? string.Empty;
            return Encoding.UTF8.GetBytes(text);
        }

        /// <summary>sudo itself refused (exit 1 and one of its messages), as opposed to the command failing.</summary>
        internal static bool IsSudoRefusal(SudoMode mode, int? exitCode, string stderr) =>
            mode != SudoMode.None && exitCode == 1
            && RefusalMarkers.Any(m => stderr.IndexOf(m, StringComparison.OrdinalIgnoreCase) >= 0);
    }
}
