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

        internal static string Build(string text, SudoMode mode)
        {
            switch (mode)
            {
                case SudoMode.Passwordless:
                    return "sudo -n -- sh -c " + ShellQuote.Quote(text);
                case SudoMode.Password:
                    // -k: always ask, so the password line is always consumed by sudo when one is required.
                    return "sudo -k -S -p '' -- sh -c " + ShellQuote.Quote(Preamble + text);
                default:
                    return "sh -c " + ShellQuote.Quote(text);
            }
        }

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
