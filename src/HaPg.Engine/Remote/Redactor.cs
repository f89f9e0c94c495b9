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

        /// <summary>The inventory's SSH password, sudo password and every cluster password (<see cref="HaPgSecrets.Fields"/>).</summary>
        public static Redactor For(HaPgInventory inventory) =>
            new Redactor(new[] { Reveal(inventory.Credential?.Password), Reveal(inventory.SudoPassword) }
                .Concat(HaPgSecrets.Fields.Select(field => Reveal(field.Get(inventory.Secrets)))));

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
