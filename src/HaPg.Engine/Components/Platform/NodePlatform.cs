using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using HaPg.Components.Common;
using HaPg.Remote;

namespace HaPg.Components.Platform
{
    /// <summary>A package as apt sees it on one node: the version installed and the one apt would install (null when none).</summary>
    public sealed class AptPackage
    {
        public AptPackage(string name, string? installed, string? candidate)
        {
            Name = name;
            Installed = installed;
            Candidate = candidate;
        }

        public string Name { get; }
        public string? Installed { get; }
        public string? Candidate { get; }

        /// <summary>What the node runs, or will run after an install.</summary>
        public string? Effective => Installed ?? Candidate;
    }

    /// <summary>What one node runs, read from the node itself: /etc/os-release, and apt's view of the packages HaPg installs.</summary>
    public sealed class NodePlatform
    {
        /// <summary>The packages whose versions decide the PostgreSQL major and the Patroni feature set.</summary>
        public static readonly IReadOnlyList<string> Packages = new[] { "postgresql", "patroni", "etcd-server", "haproxy" };

        /// <summary>Runs as the SSH user (no sudo): read-only, and C locale so apt's labels parse.</summary>
        public static readonly string ReadCommand =
            "if [ -r /etc/os-release ]; then cat /etc/os-release; fi; echo '--- apt'; " +
            "if command -v apt-cache >/dev/null 2>&1; then LC_ALL=C apt-cache policy " + string.Join(" ", Packages) + " 2>/dev/null; " +
            "else echo 'no apt-cache'; fi; true";

        private static readonly Regex PackageLine = new Regex(@"\A([a-z0-9][a-z0-9+.-]*):\z", RegexOptions.CultureInvariant);
        private static readonly Regex VersionLine = new Regex(@"\A\s+(Installed|Candidate):\s*(\S+)\s*\z", RegexOptions.CultureInvariant);

        public NodePlatform(string node, OsRelease os, string? codename, bool hasApt, IEnumerable<AptPackage> packages)
        {
            Node = node;
            Os = os;
            Codename = codename;
            HasApt = hasApt;
            PackageVersions = packages.ToDictionary(p => p.Name, StringComparer.Ordinal);
        }

        public string Node { get; }
        public OsRelease Os { get; }
        public string? Codename { get; }
        public bool HasApt { get; }
        public IReadOnlyDictionary<string, AptPackage> PackageVersions { get; }

        /// <summary>The supported release this node runs, or null.</summary>
        public SupportedRelease? Release => HasApt ? SupportedRelease.Find(Os) : null;

        /// <summary>
        /// The PostgreSQL major the node runs or would install: from the postgresql package ("17+278" is 17), else the
        /// release's default (apt's lists may not be fetched yet on a fresh node).
        /// </summary>
        public int? PostgresMajor =>
            Major(Package("postgresql")?.Effective) ?? Release?.PostgresMajor;

        /// <summary>Patroni's upstream version, installed or candidate ("4.0.7-1" is 4.0.7); null when apt knows none.</summary>
        public Version? PatroniVersion => UpstreamVersion(Package("patroni")?.Effective);

        public AptPackage? Package(string name) => PackageVersions.TryGetValue(name, out var package) ? package : null;

        public static NodePlatform Parse(string node, string stdout)
        {
            var text = (stdout ?? string.Empty).Replace("\r", string.Empty);
            var split = text.IndexOf("--- apt", StringComparison.Ordinal);
            var osText = split < 0 ? text : text.Substring(0, split);
            var aptText = split < 0 ? string.Empty : text.Substring(split + "--- apt".Length);
            var os = OsRelease.Parse(osText);
            var codename = osText.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("VERSION_CODENAME=", StringComparison.Ordinal))
                .Select(l => l.Substring("VERSION_CODENAME=".Length).Trim('"', '\'')).FirstOrDefault(c => c.Length > 0);

            var hasApt = split >= 0 && !aptText.Contains("no apt-cache");
            var packages = new List<AptPackage>();
            string? name = null, installed = null, candidate = null;
            void Flush()
            {
                if (name is not null)
                {
                    packages.Add(new AptPackage(name, installed, candidate));
                }
            }

            foreach (var line in aptText.Split('\n'))
            {
                var package = PackageLine.Match(line);
                if (package.Success)
                {
                    Flush();
                    (name, installed, candidate) = (package.Groups[1].Value, null, null);
                    continue;
                }

                var version = VersionLine.Match(line);
                if (version.Success && name is not null)
                {
                    var value = version.Groups[2].Value == "(none)" ? null : version.Groups[2].Value;
                    if (version.Groups[1].Value == "Installed") installed = value;
                    else candidate = value;
                }
            }

            Flush();
            return new NodePlatform(node, os, codename, hasApt, packages);
        }

        /// <summary>"15+248" and "17+278~bpo12+1" are 15 and 17 (Debian's postgresql metapackage); null otherwise.</summary>
        public static int? Major(string? metapackageVersion)
        {
            var match = Regex.Match(metapackageVersion ?? string.Empty, @"^(?:\d+:)?(\d+)\+", RegexOptions.CultureInvariant);
            return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : (int?)null;
        }

        /// <summary>A Debian version's upstream part: "3.0.2-1" is 3.0.2, "1:4.0.7-1~bpo12+1" is 4.0.7; null when none.</summary>
        public static Version? UpstreamVersion(string? debianVersion)
        {
            var match = Regex.Match(debianVersion ?? string.Empty, @"^(?:\d+:)?(\d+(?:\.\d+){0,3})", RegexOptions.CultureInvariant);
            if (!match.Success) return null;
            var text = match.Groups[1].Value;
            return Version.Parse(text.Contains(".") ? text : text + ".0");
        }

        public override string ToString() => $"{Node}: {Os}{(Codename is null ? string.Empty : $" ({Codename})")}";
    }
}
