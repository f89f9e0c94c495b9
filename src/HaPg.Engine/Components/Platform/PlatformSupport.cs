using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HaPg.Components.Common;
using HaPg.Components.Patroni;

namespace HaPg.Components.Platform
{
    /// <summary>The verdict on the nodes' platforms before anything changes: one issue naming every node concerned. Pure.</summary>
    public static class PlatformSupport
    {
        public const string UnsupportedId = "HaPg.Platform.Unsupported";
        public const string MismatchId = "HaPg.Platform.Mismatch";
        public const string KnownDataLossId = "HaPg.Patroni.KnownDataLoss";

        /// <summary>Nodes on a release HaPg does not support (or without apt), named with what was found.</summary>
        public static ValidationIssue? Unsupported(IEnumerable<NodePlatform> platforms)
        {
            var unsupported = platforms.Where(p => p.Release is null).OrderBy(p => p.Node, StringComparer.Ordinal).ToList();
            if (unsupported.Count == 0) return null;
            var found = string.Join("; ", unsupported.Select(p => $"{p.Node} runs {Describe(p)}"));
            return new ValidationIssue(UnsupportedId, IssueSeverity.Error,
                $"{found}. HaPg supports {SupportedRelease.List} with apt; nothing was changed.",
                string.Join(",", unsupported.Select(p => p.Node)), ErrorCategory.NotImplemented);
        }

        /// <summary>Database nodes that would run different PostgreSQL majors: a replica cannot stream from another major.</summary>
        public static ValidationIssue? Mismatch(IEnumerable<NodePlatform> databaseNodes, int? requestedMajor)
        {
            if (requestedMajor is not null) return null; // every node installs postgresql-<requested>
            var majors = databaseNodes.Where(p => p.PostgresMajor is not null).OrderBy(p => p.Node, StringComparer.Ordinal)
                .GroupBy(p => p.PostgresMajor!.Value).OrderBy(g => g.Key).ToList();
            if (majors.Count <= 1) return null;
            var split = string.Join("; ", majors.Select(g => $"PostgreSQL {g.Key} on {string.Join(", ", g.Select(p => $"{p.Node} ({Describe(p)})"))}"));
            return new ValidationIssue(MismatchId, IssueSeverity.Error,
                $"The database nodes would run different PostgreSQL majors: {split}. Put them on one release, or pin one major " +
                "with New-HaPgInventory -PostgresVersion; nothing was changed.",
                string.Join(",", majors.SelectMany(g => g).Select(p => p.Node)), ErrorCategory.InvalidData);
        }

        /// <summary>
        /// Database nodes whose Patroni loses acknowledged writes (patroni/patroni#2689, before 3.0.3), in one issue: an error,
        /// or a warning when the user accepted the risk.
        /// </summary>
        public static ValidationIssue? KnownDataLoss(IEnumerable<NodePlatform> databaseNodes, bool allowed)
        {
            var patroni = databaseNodes.Select(p => (p.Node, p.Package("patroni")?.Effective)).ToList();
            if (KnownDataLossFinding(patroni) is not string finding) return null;
            var target = string.Join(",", Affected(patroni).Select(p => p.Node));
            return allowed
                ? new ValidationIssue(KnownDataLossId, IssueSeverity.Warning, finding + " Going on because of -AllowKnownDataLoss.", target,
                    ErrorCategory.InvalidOperation)
                : new ValidationIssue(KnownDataLossId, IssueSeverity.Error,
                    finding + $" Nothing was changed. Use Debian 13 (Patroni 4.0.7) or another Patroni {PatroniKnownIssues.LeaderKeyOverwriteFixedIn} " +
                    "or later, or accept the risk with -AllowKnownDataLoss.", target, ErrorCategory.InvalidOperation);
        }

        /// <summary>One sentence naming every node whose Patroni (a Debian version, e.g. "3.0.2-1") has patroni#2689; null when none.</summary>
        public static string? KnownDataLossFinding(IEnumerable<(string Node, string? Version)> patroni)
        {
            var affected = Affected(patroni);
            if (affected.Count == 0) return null;
            return $"{string.Join(", ", affected.Select(p => $"{p.Node} (Patroni {p.Version})"))}: Patroni before " +
                   $"{PatroniKnownIssues.LeaderKeyOverwriteFixedIn} can lose acknowledged writes (patroni/patroni#2689): a leader that stalls " +
                   "or is cut off from etcd longer than ttl (a frozen VM, a network partition) can overwrite the new leader's key when it " +
                   "comes back, and writes acknowledged meanwhile are lost.";
        }

        private static List<(string Node, string? Version)> Affected(IEnumerable<(string Node, string? Version)> patroni) =>
            patroni.Where(p => NodePlatform.UpstreamVersion(p.Version) is Version v && v < PatroniKnownIssues.LeaderKeyOverwriteFixedIn)
                .OrderBy(p => p.Node, StringComparer.Ordinal).ToList();

        private static string Describe(NodePlatform p)
        {
            var os = p.Os.Id.Length == 0 ? "no readable /etc/os-release" : $"{p.Os.Id} {p.Os.VersionId}".Trim();
            return p.HasApt ? os : os + " without apt";
        }
    }
}
