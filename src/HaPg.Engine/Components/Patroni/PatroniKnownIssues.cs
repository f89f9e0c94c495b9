using System;

namespace HaPg.Components.Patroni
{
    /// <summary>Known Patroni defects that change what a cluster survives, found by HaPg's failover tests.</summary>
    public static class PatroniKnownIssues
    {
        /// <summary>The first release with patroni/patroni#2689.</summary>
        public static readonly Version LeaderKeyOverwriteFixedIn = new Version(3, 0, 3);

        /// <summary>
        /// Before 3.0.3 a leader whose Patroni stalls or loses etcd longer than ttl (a frozen VM, a partition) may, when it comes back,
        /// create a new etcd3 session and overwrite the leader key another member already took: the new leader demotes,
        /// the old one serves again, and writes acknowledged in between are lost. Null when the version is not affected.
        /// </summary>
        public static string? LeaderKeyOverwrite(string node, string? patroniVersion) =>
            Version.TryParse(StripSuffix(patroniVersion), out var version) && version < LeaderKeyOverwriteFixedIn
                ? $"{node}: Patroni {patroniVersion} has a known split-brain bug, fixed in 3.0.3 (patroni/patroni#2689): a leader that " +
                  "stalls or is cut off from etcd longer than ttl (a frozen VM, a network partition) can overwrite the new leader's key " +
                  "when it comes back, and writes acknowledged meanwhile are lost. Use Patroni 3.0.3 or later (e.g. from apt.postgresql.org) in production."
                : null;

        private static string StripSuffix(string? version)
        {
            var text = version ?? string.Empty;
            var end = 0;
            while (end < text.Length && (char.IsDigit(text[end]) || text[end] == '.'))
            {
                end++;
            }

            return text.Substring(0, end).TrimEnd('.');
        }
    }
}
