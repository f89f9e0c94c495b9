using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using HaPg.Components.Common;
using HaPg.Steps;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace HaPg.Components.Postgres
{
    /// <summary>Where a database node's Patroni comes from: the distro's archive, or the PostgreSQL project's (apt.postgresql.org).</summary>
    public enum PatroniSource
    {
        Distro,
        Pgdg,
    }

    /// <summary>
    /// The opt-in apt.postgresql.org source for a Patroni newer than the distro's (Debian 12 ships 3.0.2, which has
    /// patroni/patroni#2689). The signing key is the one Debian's postgresql-common ships, accepted only with the pinned
    /// fingerprint. apt takes Patroni from it and never PostgreSQL, so the major stays the distro's. Pure.
    /// </summary>
    public static class PgdgRepository
    {
        public const string KeyMismatchId = "HaPg.Patroni.PgdgKeyMismatch";
        public const string NoCodenameId = "HaPg.Patroni.PgdgNoCodename";

        /// <summary>The PostgreSQL Debian repository's signing key (ACCC4CF8), as published by the PostgreSQL project.</summary>
        public const string KeyFingerprint = "B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8";

        /// <summary>Shipped by Debian's postgresql-common, itself verified by apt.</summary>
        public const string PackagedKeyPath = "/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc";

        public const string KeyringPath = "/etc/apt/keyrings/hapg-pgdg.asc";
        public const string SourcesPath = "/etc/apt/sources.list.d/hapg-pgdg.sources";
        public const string PinPath = "/etc/apt/preferences.d/hapg-pgdg.pref";
        public const string Uri = "https://apt.postgresql.org/pub/repos/apt";

        /// <summary>Taken from apt.postgresql.org before the distro's; everything else from there only when the distro lacks it.</summary>
        public static readonly string[] PreferredPackages = { "patroni", "python3-etcd" };

        /// <summary>The deb822 source for a release codename (bookworm, jammy, noble...).</summary>
        public static DesiredFile Sources(string codename)
        {
            if (string.IsNullOrWhiteSpace(codename) || codename.Any(c => !char.IsLetterOrDigit(c)))
            {
                throw new HaPgValidationException(new ValidationIssue(NoCodenameId, IssueSeverity.Error,
                    $"'{codename}' is not a release codename; apt.postgresql.org's suites are named <codename>-pgdg.", codename, ErrorCategory.InvalidData));
            }

            return new DesiredFile(SourcesPath,
                "# Managed by HaPg: the PostgreSQL project's repository, for a Patroni with the fixes the distro's lacks.\n" +
                "Types: deb\n" +
                $"URIs: {Uri}\n" +
                $"Suites: {codename}-pgdg\n" +
                "Components: main\n" +
                $"Signed-By: {KeyringPath}\n",
                "0644", "root", "root", containsSecrets: false);
        }

        /// <summary>
        /// apt preferences: every package from apt.postgresql.org below the distro's (100: installed only where the distro has
        /// none, never an upgrade of a distro package, so PostgreSQL stays the distro's major), and Patroni above it (600).
        /// </summary>
        public static DesiredFile Pin()
        {
            var text = new StringBuilder("# Managed by HaPg: from apt.postgresql.org take Patroni, never PostgreSQL.\n")
                .Append("Package: *\nPin: origin apt.postgresql.org\nPin-Priority: 100\n\n")
                .Append($"Package: {string.Join(" ", PreferredPackages)}\nPin: origin apt.postgresql.org\nPin-Priority: 600\n");
            return new DesiredFile(PinPath, text.ToString(), "0644", "root", "root", containsSecrets: false);
        }

        /// <summary>
        /// The primary key's fingerprint (40 upper-case hex digits) of each key in an ASCII-armored or binary OpenPGP file: apt
        /// trusts every key of a Signed-By file, so a file is accepted only when it holds the pinned key alone.
        /// </summary>
        public static string[] Fingerprints(byte[] key)
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(key));
            var bundle = new PgpPublicKeyRingBundle(input);
            return bundle.GetKeyRings().Select(ring =>
                string.Concat(ring.GetPublicKey().GetFingerprint().Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)))).ToArray();
        }

        /// <summary>Null when <paramref name="key"/> is the pinned key; else why not, naming the node and the file.</summary>
        public static ValidationIssue? Verify(string node, string path, byte[] key)
        {
            string found;
            try
            {
                var fingerprints = key.Length == 0 ? new string[0] : Fingerprints(key);
                found = fingerprints.Length == 0 ? "no key" : string.Join(" and ", fingerprints);
            }
            catch (Exception ex) when (ex is IOException || ex is PgpException || ex is ArgumentException)
            {
                found = "no OpenPGP public key (" + ex.Message + ")";
            }

            return found == KeyFingerprint
                ? null
                : new ValidationIssue(KeyMismatchId, IssueSeverity.Error,
                    $"{node}: {path} holds {found}, not apt.postgresql.org's key {KeyFingerprint}; the PostgreSQL source was not added.",
                    node, ErrorCategory.SecurityError);
        }
    }
}
