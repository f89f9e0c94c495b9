using System;
using System.Collections.Generic;
using System.Linq;
using HaPg.Components.Common;

namespace HaPg.Components.Patroni
{
    public enum PatroniChangeKind
    {
        /// <summary>Lives in the DCS: apply with PATCH /config (bootstrap.dcs is only read at bootstrap).</summary>
        Dynamic,

        /// <summary>Local config: write the file, then reload Patroni (HUP).</summary>
        Local,

        /// <summary>Local config that takes effect only after restarting Patroni/PostgreSQL.</summary>
        RestartRequired,

        /// <summary>Used only when the cluster is first created (bootstrap.initdb etc.): no effect on a running cluster.</summary>
        BootstrapOnly,
    }

    /// <summary>One difference between the deployed and the desired config.yml. Secret values show as ***.</summary>
    public sealed class PatroniConfigChange
    {
        public PatroniConfigChange(string path, string? oldValue, string? newValue, PatroniChangeKind kind, bool requiresPostgresRestart)
        {
            Path = path;
            OldValue = oldValue;
            NewValue = newValue;
            Kind = kind;
            RequiresPostgresRestart = requiresPostgresRestart;
        }

        /// <summary>Dotted key path, e.g. bootstrap.dcs.ttl.</summary>
        public string Path { get; }

        /// <summary>Null when the key is new.</summary>
        public string? OldValue { get; }

        /// <summary>Null when the key is removed.</summary>
        public string? NewValue { get; }

        public PatroniChangeKind Kind { get; }

        /// <summary>A PostgreSQL parameter of postmaster context: PostgreSQL must restart once Patroni has it.</summary>
        public bool RequiresPostgresRestart { get; }

        public override string ToString() => $"{Kind} {Path}: {OldValue ?? "(none)"} -> {NewValue ?? "(removed)"}";
    }

    /// <summary>What changes between a deployed and a desired config.yml, and how to apply it.</summary>
    public sealed class PatroniConfigDiff
    {
        internal PatroniConfigDiff(IReadOnlyList<PatroniConfigChange> changes, string? patchBody)
        {
            Changes = changes;
            PatchBody = patchBody;
        }

        public IReadOnlyList<PatroniConfigChange> Changes { get; }

        /// <summary>JSON for PATCH /config with the Dynamic changes (removed keys as null); null when there are none.</summary>
        public string? PatchBody { get; }

        public bool NeedsReload => Changes.Any(c => c.Kind == PatroniChangeKind.Local || c.Kind == PatroniChangeKind.RestartRequired);
        public bool NeedsRestart => Changes.Any(c => c.Kind == PatroniChangeKind.RestartRequired || c.RequiresPostgresRestart);

        /// <summary>
        /// Compares two config.yml texts. An empty deployed text means a first install: everything is then new.
        /// </summary>
        public static PatroniConfigDiff Compare(string deployedYaml, string desiredYaml)
        {
            var deployed = string.IsNullOrWhiteSpace(deployedYaml) ? new DataMap() : DataTree.ParseMap(deployedYaml);
            var desired = DataTree.ParseMap(desiredYaml);
            var oldLeaves = Flatten(deployed);
            var newLeaves = Flatten(desired);

            var changes = new List<PatroniConfigChange>();
            var patch = new DataMap();
            foreach (var key in oldLeaves.Keys.Union(newLeaves.Keys))
            {
                oldLeaves.TryGetValue(key, out var before);
                newLeaves.TryGetValue(key, out var after);
                var oldText = Display(before.Value, before.Segments is not null);
                var newText = Display(after.Value, after.Segments is not null);
                if (before.Segments is not null && after.Segments is not null && oldText == newText)
                {
                    continue;
                }

                var segments = after.Segments ?? before.Segments!;
                var (kind, pgRestart) = Classify(segments);
                var secret = segments.Any(s => s.IndexOf("password", StringComparison.OrdinalIgnoreCase) >= 0);
                changes.Add(new PatroniConfigChange(key,
                    secret && oldText is not null ? "***" : oldText,
                    secret && newText is not null ? "***" : newText,
                    kind, pgRestart));
                if (kind == PatroniChangeKind.Dynamic)
                {
                    AddAt(patch, segments.Skip(2).ToList(), after.Segments is null ? null : after.Value);
                }
            }

            return new PatroniConfigDiff(changes, patch.Count == 0 ? null : DataTree.ToJson(patch));
        }

        private static readonly HashSet<string> PostmasterParameters = new HashSet<string>(StringComparer.Ordinal)
        {
            "listen_addresses", "port", "max_connections", "superuser_reserved_connections", "shared_buffers",
            "huge_pages", "huge_page_size", "max_prepared_transactions", "max_locks_per_transaction",
            "max_pred_locks_per_transaction", "max_worker_processes", "max_wal_senders", "max_replication_slots",
            "max_logical_replication_workers", "wal_level", "wal_log_hints", "wal_buffers", "wal_decode_buffer_size",
            "archive_mode", "hot_standby", "track_commit_timestamp", "shared_preload_libraries",
            "unix_socket_directories", "unix_socket_group", "unix_socket_permissions", "max_files_per_process",
            "autovacuum_max_workers", "shared_memory_type", "dynamic_shared_memory_type", "cluster_name",
            "logging_collector", "old_snapshot_threshold", "jit_provider", "bonjour", "bonjour_name",
        };

        private static (PatroniChangeKind Kind, bool PostgresRestart) Classify(IReadOnlyList<string> s)
        {
            bool Starts(params string[] prefix) => s.Count >= prefix.Length && prefix.Select((p, i) => s[i] == p).All(x => x);
            var postmasterParameter = s.Count == 3 && PostmasterParameters.Contains(s[2]);

            if (Starts("bootstrap", "dcs"))
            {
                return (PatroniChangeKind.Dynamic,
                    Starts("bootstrap", "dcs", "postgresql", "parameters") && s.Count == 5 && PostmasterParameters.Contains(s[4]));
            }

            if (Starts("bootstrap"))
            {
                return (PatroniChangeKind.BootstrapOnly, false);
            }

            if (Starts("postgresql", "listen") || Starts("postgresql", "data_dir") || Starts("postgresql", "bin_dir"))
            {
                return (PatroniChangeKind.RestartRequired, true);
            }

            if (Starts("postgresql", "parameters") && postmasterParameter)
            {
                return (PatroniChangeKind.RestartRequired, true);
            }

            if (s.Count == 1 && (s[0] == "scope" || s[0] == "namespace" || s[0] == "name"))
            {
                return (PatroniChangeKind.RestartRequired, false);
            }

            return (PatroniChangeKind.Local, false);
        }

        /// <summary>Leaves by dotted path: maps are walked, lists and scalars are leaves.</summary>
        private static Dictionary<string, (IReadOnlyList<string>? Segments, object? Value)> Flatten(DataMap root)
        {
            var leaves = new Dictionary<string, (IReadOnlyList<string>?, object?)>(StringComparer.Ordinal);
            void Walk(DataMap map, List<string> prefix)
            {
                foreach (var pair in map)
                {
                    var path = new List<string>(prefix) { pair.Key };
                    if (pair.Value is DataMap child && child.Count > 0)
                    {
                        Walk(child, path);
                    }
                    else
                    {
                        leaves[string.Join(".", path)] = (path, pair.Value);
                    }
                }
            }

            Walk(root, new List<string>());
            return leaves;
        }

        private static string? Display(object? value, bool present) =>
            !present ? null
            : value is null ? "null"
            : DataTree.ScalarText(value) ?? DataTree.ToJson(value);

        private static void AddAt(DataMap root, IReadOnlyList<string> segments, object? value)
        {
            var map = root;
            for (var i = 0; i < segments.Count - 1; i++)
            {
                if (map.Map(segments[i]) is not DataMap next)
                {
                    next = new DataMap();
                    map.Add(segments[i], next);
                }

                map = next;
            }

            map.Add(segments[segments.Count - 1], value);
        }
    }
}
