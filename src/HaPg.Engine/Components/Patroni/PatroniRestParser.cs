using System.Collections.Generic;
using System.Linq;
using HaPg.Components.Common;

namespace HaPg.Components.Patroni
{
    /// <summary>A member as GET /cluster reports it.</summary>
    public sealed class PatroniMember
    {
        public string Name { get; set; } = string.Empty;
        public string? Host { get; set; }
        public int? Port { get; set; }

        /// <summary>leader, replica, sync_standby, standby_leader (as Patroni says it).</summary>
        public string Role { get; set; } = string.Empty;

        /// <summary>running, streaming, starting, stopped, ...</summary>
        public string? State { get; set; }
        public long? Timeline { get; set; }

        /// <summary>Replication lag in bytes; null for the leader or when Patroni reports "unknown".</summary>
        public long? LagBytes { get; set; }
        public bool PendingRestart { get; set; }
        public string? ApiUrl { get; set; }

        public bool IsLeader => PatroniRestParser.IsLeaderRole(Role);

        /// <summary>A replica that runs: state "running" (Patroni 3) or "streaming" (Patroni 4 names a streaming replica so).</summary>
        public bool IsRunningReplica => !IsLeader && (State == "running" || State == "streaming");

        public override string ToString() => $"{Name} {Role} {State}";
    }

    /// <summary>One node's own view, GET /patroni.</summary>
    public sealed class PatroniNodeStatus
    {
        public string? State { get; set; }

        /// <summary>As reported: "master"/"primary", "replica", "standby_leader".</summary>
        public string? Role { get; set; }
        public long? ServerVersion { get; set; }
        public long? Timeline { get; set; }

        /// <summary>Primary: current WAL position.</summary>
        public long? WalPosition { get; set; }

        /// <summary>Replica: WAL received / replayed positions.</summary>
        public long? ReceivedPosition { get; set; }
        public long? ReplayedPosition { get; set; }
        public bool PendingRestart { get; set; }
        public bool ClusterUnlocked { get; set; }
        public bool Paused { get; set; }
        public string? PatroniVersion { get; set; }
        public string? Scope { get; set; }

        public bool IsPrimary => PatroniRestParser.IsLeaderRole(Role);

        public override string ToString() => $"{Role} {State} timeline {Timeline}";
    }

    /// <summary>Reads Patroni REST API answers (port 8008).</summary>
    public static class PatroniRestParser
    {
        public static bool IsLeaderRole(string? role) =>
            role == "leader" || role == "master" || role == "primary" || role == "standby_leader";

        /// <summary>GET /cluster: {"members":[{"name","role","state","host","port","timeline","lag",...}],"scope":..}</summary>
        public static IReadOnlyList<PatroniMember> ParseCluster(string json) =>
            DataTree.ParseMap(json).List("members").OfType<DataMap>().Select(m => new PatroniMember
            {
                Name = m.String("name") ?? string.Empty,
                Host = m.String("host"),
                Port = (int?)m.Long("port"),
                Role = m.String("role") ?? string.Empty,
                State = m.String("state"),
                Timeline = m.Long("timeline"),
                LagBytes = m.Long("lag"),
                PendingRestart = m.Bool("pending_restart") ?? false,
                ApiUrl = m.String("api_url"),
            }).ToList();

        /// <summary>GET /patroni.</summary>
        public static PatroniNodeStatus ParseStatus(string json)
        {
            var s = DataTree.ParseMap(json);
            var xlog = s.Map("xlog") ?? new DataMap();
            return new PatroniNodeStatus
            {
                State = s.String("state"),
                Role = s.String("role"),
                ServerVersion = s.Long("server_version"),
                Timeline = s.Long("timeline"),
                WalPosition = xlog.Long("location"),
                ReceivedPosition = xlog.Long("received_location"),
                ReplayedPosition = xlog.Long("replayed_location"),
                PendingRestart = s.Bool("pending_restart") ?? false,
                ClusterUnlocked = s.Bool("cluster_unlocked") ?? false,
                Paused = s.Bool("pause") ?? false,
                PatroniVersion = s.Map("patroni")?.String("version"),
                Scope = s.Map("patroni")?.String("scope"),
            };
        }
    }
}
