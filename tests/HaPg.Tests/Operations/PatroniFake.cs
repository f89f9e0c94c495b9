using System;
using System.Linq;
using System.Management.Automation;
using HaPg.Remote;
using HaPg.Tests.Steps;

namespace HaPg.Tests.Operations
{
    /// <summary>
    /// Patroni and PostgreSQL as a <see cref="RecordingHost"/> answers them for the test inventory's pg1..pg3 (10.0.0.11..13):
    /// GET /cluster in Patroni 4.0.7's shape (see PatroniRestParserTests), the replica facts query, and the unsafe POSTs.
    /// </summary>
    internal static class PatroniFake
    {
        public const string Start = "2026-12-02 00:57:25.688986+00";

        /// <summary>Timeline 6, reached from 4 and 5: the leader's history in these tests.</summary>
        public const string History6 = "00000006.history:4\t0/4000000\tno recovery target specified;5\t0/5000000\tno recovery target specified;";

        /// <summary>Timeline 7, which the leader's timeline 6 does not continue: a diverged replica's.</summary>
        public const string History7 = "00000007.history:4\t0/4000000\tno recovery target specified;5\t0/5000000\tno recovery target specified;6\t0/6000000\tno recovery target specified;";

        public static string ClusterJson(params string[] members) => "{\"members\": [" + string.Join(", ", members) + "], \"scope\": \"demo\"}";

        public static string Leader(string name, long timeline = 6) => Member(name, "leader", "running", timeline, null);

        public static string Replica(string name, string state = "streaming", long? lag = 0, string role = "replica", long timeline = 6) =>
            Member(name, role, state, timeline, lag);

        private static string Member(string name, string role, string state, long timeline, long? lag)
        {
            var address = "10.0.0.1" + name.Last();
            return $"{{\"name\": \"{name}\", \"role\": \"{role}\", \"state\": \"{state}\", \"api_url\": \"http://{address}:8008/patroni\", " +
                   $"\"host\": \"{address}\", \"port\": 5432, \"timeline\": {timeline}" + (lag is long l ? $", \"lag\": {l}" : string.Empty) + "}";
        }

        /// <summary>GET /cluster on this node answers <paramref name="json"/> (read at each call).</summary>
        public static RecordingHost AnswersCluster(this RecordingHost host, Func<string> json) =>
            host.On("8008/cluster'$", _ => new RemoteCommandResult { ExitCode = 0, Stdout = "200\n" + json() });

        public static RecordingHost AnswersCluster(this RecordingHost host, string json) => host.AnswersCluster(() => json);

        /// <summary>Patroni does not answer: python3's urlopen fails.</summary>
        public static RecordingHost PatroniDown(this RecordingHost host) =>
            host.On("8008/cluster'$", 1, stderr: "urllib.error.URLError: <urlopen error [Errno 111] Connection refused>");

        /// <summary>The replica facts query (WAL receiver|postmaster start|newest history), read at each call.</summary>
        public static RecordingHost AnswersReplicaFacts(this RecordingHost host, Func<string> facts) =>
            host.On("pg_stat_wal_receiver", _ => new RemoteCommandResult { ExitCode = 0, Stdout = facts() + "\n" });

        public static RecordingHost AnswersReplicaFacts(this RecordingHost host, string walReceiver, string history, string start = Start) =>
            host.AnswersReplicaFacts(() => $"{walReceiver}|{start}|{history}");

        /// <summary>The node cannot be reached: every command fails as SSH does.</summary>
        public static RecordingHost Unreachable(this RecordingHost host) =>
            host.On(string.Empty, _ => throw new HaPgRemoteException(RemoteErrorId.Unreachable, ErrorCategory.ConnectionError, host.Node,
                $"{host.Node.Name}: connection refused"));

        /// <summary>HAProxy's show stat, with <paramref name="replicasUp"/> UP on the replicas listener and <paramref name="leader"/> on the primary one.</summary>
        public static RecordingHost AnswersHaproxy(this RecordingHost host, string leader, params string[] replicasUp)
        {
            var rows = new[] { "pg1", "pg2", "pg3" }.SelectMany(n => new[]
            {
                $"primary,{n},{(n == leader ? "UP" : "DOWN")},L7OK",
                $"replicas,{n},{(replicasUp.Contains(n) ? "UP" : "DOWN")},L7OK",
            });
            return host.On("show stat", 0, "# pxname,svname,status,check_status\n" + string.Join("\n", rows) + "\n");
        }
    }
}
