using System.Linq;
using HaPg.Components.Patroni;
using Xunit;

namespace HaPg.Tests.Components.Patroni
{
    public class PatroniRestParserTests
    {
        [Fact]
        public void ParsesClusterMembers()
        {
            const string json =
                "{\"members\": [" +
                "{\"name\": \"pg1\", \"role\": \"leader\", \"state\": \"running\", \"api_url\": \"http://10.0.0.11:8008/patroni\", \"host\": \"10.0.0.11\", \"port\": 5432, \"timeline\": 3}, " +
                "{\"name\": \"pg2\", \"role\": \"sync_standby\", \"state\": \"streaming\", \"api_url\": \"http://10.0.0.12:8008/patroni\", \"host\": \"10.0.0.12\", \"port\": 5432, \"timeline\": 3, \"lag\": 0}, " +
                "{\"name\": \"pg3\", \"role\": \"replica\", \"state\": \"running\", \"host\": \"10.0.0.13\", \"port\": 5432, \"timeline\": 2, \"lag\": \"unknown\", \"pending_restart\": true}" +
                "], \"scope\": \"demo\"}";

            var members = PatroniRestParser.ParseCluster(json);

            Assert.Equal(3, members.Count);
            Assert.Equal(("pg1", "10.0.0.11", 5432, "leader", "running", 3L, (long?)null, true),
                (members[0].Name, members[0].Host, members[0].Port, members[0].Role, members[0].State, members[0].Timeline, members[0].LagBytes, members[0].IsLeader));
            Assert.Equal(("sync_standby", 0L, false), (members[1].Role, members[1].LagBytes, members[1].IsLeader));
            Assert.Null(members[2].LagBytes);
            Assert.True(members[2].PendingRestart);
        }

        [Fact]
        public void ParsesPrimaryAndReplicaStatus()
        {
            var primary = PatroniRestParser.ParseStatus(
                "{\"state\": \"running\", \"postmaster_start_time\": \"2024-05-01 10:00:00.000+00:00\", \"role\": \"master\", \"server_version\": 150006, " +
                "\"xlog\": {\"location\": 67108960}, \"timeline\": 3, \"dcs_last_seen\": 1714557600, \"database_system_identifier\": \"7364\", " +
                "\"patroni\": {\"version\": \"3.0.2\", \"scope\": \"demo\"}}");
            Assert.Equal(("running", "master", 150006L, 3L, 67108960L, "3.0.2", "demo", true),
                (primary.State, primary.Role, primary.ServerVersion, primary.Timeline, primary.WalPosition, primary.PatroniVersion, primary.Scope, primary.IsPrimary));

            var replica = PatroniRestParser.ParseStatus(
                "{\"state\": \"running\", \"role\": \"replica\", \"server_version\": 150006, \"xlog\": {\"received_location\": 67108960, " +
                "\"replayed_location\": 67108000, \"replayed_timestamp\": null, \"paused\": false}, \"timeline\": 3, \"pending_restart\": true, " +
                "\"cluster_unlocked\": true, \"patroni\": {\"version\": \"3.0.2\", \"scope\": \"demo\"}}");
            Assert.Equal((67108960L, 67108000L, false, true, true),
                (replica.ReceivedPosition, replica.ReplayedPosition, replica.IsPrimary, replica.PendingRestart, replica.ClusterUnlocked));
            Assert.Null(replica.WalPosition);
        }

        // Recorded from HaPg's Debian 13 lab (Patroni 4.0.7, PostgreSQL 17): role "primary" in /patroni, replicas "streaming".
        private const string Patroni4Primary =
            "{\"state\": \"running\", \"postmaster_start_time\": \"2026-12-02 00:55:38.320966+00:00\", \"role\": \"primary\", \"server_version\": 170012, " +
            "\"xlog\": {\"location\": 86106752}, \"timeline\": 13, \"replication\": [{\"usename\": \"replicator\", \"application_name\": \"node-1\", " +
            "\"client_addr\": \"10.213.161.11\", \"state\": \"streaming\", \"sync_state\": \"async\", \"sync_priority\": 0}, {\"usename\": \"replicator\", " +
            "\"application_name\": \"node-2\", \"client_addr\": \"10.213.161.12\", \"state\": \"streaming\", \"sync_state\": \"async\", \"sync_priority\": 0}], " +
            "\"dcs_last_seen\": 1796173046, \"database_system_identifier\": \"7714502254112722272\", \"patroni\": {\"version\": \"4.0.7\", \"scope\": \"matrix\", \"name\": \"node-3\"}}";

        private const string Patroni4Replica =
            "{\"state\": \"running\", \"postmaster_start_time\": \"2026-12-02 00:57:25.688986+00:00\", \"role\": \"replica\", \"server_version\": 170012, " +
            "\"xlog\": {\"received_location\": 86104000, \"replayed_location\": 86104000, \"replayed_timestamp\": \"2026-12-02 00:57:28.119956+00:00\", \"paused\": false}, " +
            "\"timeline\": 13, \"replication_state\": \"streaming\", \"dcs_last_seen\": 1796173046, \"database_system_identifier\": \"7714502254112722272\", " +
            "\"patroni\": {\"version\": \"4.0.7\", \"scope\": \"matrix\", \"name\": \"node-2\"}}";

        private const string Patroni4Cluster =
            "{\"members\": [{\"name\": \"node-1\", \"role\": \"replica\", \"state\": \"streaming\", \"api_url\": \"http://10.213.161.11:8008/patroni\", " +
            "\"host\": \"10.213.161.11\", \"port\": 5432, \"timeline\": 13, \"lag\": 0}, {\"name\": \"node-2\", \"role\": \"replica\", \"state\": \"streaming\", " +
            "\"api_url\": \"http://10.213.161.12:8008/patroni\", \"host\": \"10.213.161.12\", \"port\": 5432, \"timeline\": 13, \"lag\": 0}, {\"name\": \"node-3\", " +
            "\"role\": \"leader\", \"state\": \"running\", \"api_url\": \"http://10.213.161.13:8008/patroni\", \"host\": \"10.213.161.13\", \"port\": 5432, \"timeline\": 13}], " +
            "\"scope\": \"matrix\"}";

        [Fact]
        public void ParsesRecordedPatroni4Output()
        {
            var primary = PatroniRestParser.ParseStatus(Patroni4Primary);
            var replica = PatroniRestParser.ParseStatus(Patroni4Replica);
            var members = PatroniRestParser.ParseCluster(Patroni4Cluster);

            Assert.Equal(("primary", true, 170012L, 13L, 86106752L, "4.0.7"),
                (primary.Role, primary.IsPrimary, primary.ServerVersion, primary.Timeline, primary.WalPosition, primary.PatroniVersion));
            Assert.Equal((false, 86104000L, 86104000L), (replica.IsPrimary, replica.ReceivedPosition, replica.ReplayedPosition));
            Assert.Equal(new[] { "streaming", "streaming", "running" }, members.Select(m => m.State));
            Assert.Equal(new[] { false, false, true }, members.Select(m => m.IsLeader));
            Assert.Equal((0L, 13L), (members[0].LagBytes!.Value, members[0].Timeline));
        }
    }
}
