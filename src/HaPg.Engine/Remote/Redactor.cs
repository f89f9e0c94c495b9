using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security;
using HaPg.Inventory;

namespace HaPg.Remote
{
    /// <summary>Replaces every known secret with *** in any text: verbose lines, errors, exception messages.</summary>
    public sealed class Redactor
    {
        public const string Mask = "***";

        private readonly string[] secrets;

        public Redactor(IEnumerable<string?> secrets)
        {
            // Longest first, so a secret that contains another is masked whole.
            this.secrets = secrets.Where(s => !string.IsNullOrEmpty(s)).Select(s => s!)
                .Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToArray();
        }

        public static Redactor None { get; } = new Redactor(Array.Empty<string>());

        /// <summary>
        /// The inventory's SSH password, sudo password, every cluster password and the CA's private key
        /// (<see cref="HaPgSecrets.AllFields"/>); a multi-line secret also by its lines (<see cref="Pieces"/>).
        /// </summary>
        public static Redactor For(HaPgInventory inventory) =>
            new Redactor(new[] { Reveal(inventory.Credential?.Password), Reveal(inventory.SudoPassword) }
                .Concat(HaPgSecrets.AllFields.SelectMany(field => Pieces(Reveal(field.Get(inventory.Secrets))))));

        /// <summary>The shortest line of a multi-line secret masked on its own; a shorter last base64 line gives away little.</summary>
        internal const int ShortestMaskedLine = 16;

        /// <summary>
        /// What to mask of one secret. A password is itself. A multi-line one (a PEM key) is itself with "\n" and with
        /// "\r\n", each line of <see cref="ShortestMaskedLine"/> characters or more but its "-----BEGIN/END" lines,
        /// and its body lines joined: a log that shows only part of the key, or the base64 in one line, still masks it.
        /// </summary>
        internal static IEnumerable<string?> Pieces(string? secret)
        {
            if (secret is null || secret.IndexOf('\n') < 0)
            {
                return new[] { secret };
            }

            var lf = secret.Replace("\r\n", "\n");
            var lines = lf.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)).ToList();
            return new[] { secret, lf, lf.Replace("\n", "\r\n"), string.Concat(lines) }
                .Concat(lines.Where(l => l.Length >= ShortestMaskedLine));
        }

        /// <summary>This redactor plus more secrets.</summary>
        public Redactor With(IEnumerable<string?> more) => new Redactor(secrets.Concat(more));

        public string Redact(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return string.Empty;
            }

            foreach (var secret in secrets)
            {
                text = text!.Replace(secret, Mask);
            }

            return text!;
        }

        internal static string? Reveal(SecureString? value) =>
            value is null || value.Length == 0 ? null : new NetworkCredential(string.Empty, value).Password;
    }
}
