using System;
using System.Globalization;
using HaPg.Inventory;
using HaPg.Remote;

namespace HaPg.Failover
{
    /// <summary>The shell commands that break one thing on a node and the ones that put it back.</summary>
    public sealed class FaultInjection
    {
        private const string CrashDropIn = "/run/systemd/system/patroni.service.d/hapg-fault.conf";
        private const string IsolationTable = "hapgfault";
        private const string IsolationHealUnit = "hapg-heal-isolation";

        private FaultInjection(string inject, string heal, string description)
        {
            Inject = inject;
            Heal = heal;
            Description = description;
        }

        public string Inject { get; }
        public string Heal { get; }
        public string Description { get; }

        /// <summary>systemctl stop patroni: Patroni hands over cleanly and releases the leader key.</summary>
        public static FaultInjection StopPatroni() =>
            new FaultInjection("systemctl stop patroni", "systemctl start patroni", "systemctl stop patroni");

        /// <summary>
        /// SIGKILL to every process of patroni.service (Patroni and PostgreSQL) at once, with a runtime drop-in that stops
        /// systemd from restarting it: the node behaves as dead until healed.
        /// </summary>
        public static FaultInjection Crash() => new FaultInjection(
            $"mkdir -p {Dir(CrashDropIn)} && printf '[Service]\\nRestart=no\\n' > {CrashDropIn} && systemctl daemon-reload && systemctl kill --signal=SIGKILL patroni",
            $"rm -f {CrashDropIn}; systemctl daemon-reload; systemctl reset-failed patroni; systemctl start patroni",
            "SIGKILL of Patroni and PostgreSQL, kept down");

        public static FaultInjection StopHaproxy() =>
            new FaultInjection("systemctl stop haproxy", "systemctl start haproxy", "systemctl stop haproxy");

        public static FaultInjection StopEtcd() =>
            new FaultInjection("systemctl stop etcd", "systemctl start etcd", "systemctl stop etcd");

        /// <summary>
        /// Drops every packet in and out except SSH with <paramref name="adminAddress"/>, after scheduling the table's
        /// removal on the node itself in <paramref name="healAfter"/>: a test can never strand a node.
        /// </summary>
        public static FaultInjection Isolate(string adminAddress, int sshPort, TimeSpan healAfter)
        {
            var family = adminAddress.Contains(":") ? "ip6" : "ip";
            var port = sshPort.ToString(CultureInfo.InvariantCulture);
            var table =
                $"table inet {IsolationTable} {{\n" +
                $" chain input {{ type filter hook input priority -10; policy drop; iif lo accept; {family} saddr {adminAddress} tcp dport {port} accept; }}\n" +
                $" chain output {{ type filter hook output priority -10; policy drop; oif lo accept; {family} daddr {adminAddress} tcp sport {port} accept; }}\n" +
                "}\n";
            var seconds = ((int)Math.Ceiling(healAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return new FaultInjection(
                $"systemctl stop {IsolationHealUnit}.timer >/dev/null 2>&1; systemctl reset-failed {IsolationHealUnit} >/dev/null 2>&1; " +
                $"systemd-run --quiet --unit={IsolationHealUnit} --on-active={seconds}s /usr/sbin/nft delete table inet {IsolationTable} && " +
                $"printf %s {ShellQuote.Quote(table)} | nft -f -",
                $"nft delete table inet {IsolationTable} 2>/dev/null; systemctl stop {IsolationHealUnit}.timer >/dev/null 2>&1; true",
                $"nftables drops all but SSH from {adminAddress}; self-heal in {seconds} s");
        }

        /// <summary>The address this SSH session comes from, as the node sees it (run without sudo, which drops the variable).</summary>
        public const string AdminAddressCommand = "printf %s \"${SSH_CONNECTION%% *}\"";

        private static string Dir(string path) => path.Substring(0, path.LastIndexOf('/'));

        public override string ToString() => Description;
    }
}
