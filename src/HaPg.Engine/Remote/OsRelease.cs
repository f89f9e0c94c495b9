using System;
using System.Collections.Generic;

namespace HaPg.Remote
{
    /// <summary>The ID and VERSION_ID of a node's /etc/os-release.</summary>
    public sealed class OsRelease
    {
        public const string ReadCommand = "cat /etc/os-release";

        public OsRelease(string id, string versionId)
        {
            Id = id;
            VersionId = versionId;
        }

        /// <summary>Lower-case distro id, e.g. "debian", "ubuntu".</summary>
        public string Id { get; }

        /// <summary>e.g. "12", "22.04".</summary>
        public string VersionId { get; }

        public static OsRelease Parse(string osReleaseText)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var raw in osReleaseText.Split('\n'))
            {
                var line = raw.Trim();
                var eq = line.IndexOf('=');
                if (line.Length == 0 || line[0] == '#' || eq <= 0)
                {
                    continue;
                }

                values[line.Substring(0, eq)] = line.Substring(eq + 1).Trim().Trim('"', '\'');
            }

            values.TryGetValue("ID", out var id);
            values.TryGetValue("VERSION_ID", out var version);
            return new OsRelease((id ?? string.Empty).ToLowerInvariant(), version ?? string.Empty);
        }

        public override string ToString() => $"{Id} {VersionId}";
    }
}
