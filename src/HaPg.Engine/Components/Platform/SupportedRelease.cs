using System;
using System.Collections.Generic;
using System.Linq;
using HaPg.Components.Common;
using HaPg.Remote;

namespace HaPg.Components.Platform
{
    /// <summary>A distribution release HaPg builds clusters on, with the PostgreSQL major its archive ships.</summary>
    public sealed class SupportedRelease
    {
        private SupportedRelease(string distro, string versionId, string codename, int postgresMajor)
        {
            Distro = distro;
            VersionId = versionId;
            Codename = codename;
            PostgresMajor = postgresMajor;
        }

        public static IReadOnlyList<SupportedRelease> All { get; } = new[]
        {
            new SupportedRelease("debian", "12", "bookworm", 15),
            new SupportedRelease("debian", "13", "trixie", 17),
            // Same package names and layout as Debian; not booted in HaPg's lab.
            new SupportedRelease("ubuntu", "22.04", "jammy", 14),
            new SupportedRelease("ubuntu", "24.04", "noble", 16),
        };

        public string Distro { get; }
        public string VersionId { get; }
        public string Codename { get; }
        public int PostgresMajor { get; }

        public static SupportedRelease? Find(OsRelease os) =>
            All.FirstOrDefault(r => r.Distro == os.Id && r.VersionId == os.VersionId);

        /// <summary>"Debian 12, Debian 13, Ubuntu 22.04, Ubuntu 24.04".</summary>
        public static string List => string.Join(", ", All.Select(r => r.ToString()));

        public override string ToString() => $"{char.ToUpperInvariant(Distro[0])}{Distro.Substring(1)} {VersionId}";
    }
}
