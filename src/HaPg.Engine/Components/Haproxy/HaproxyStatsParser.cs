using System;
using System.Collections.Generic;
using System.Linq;

namespace HaPg.Components.Haproxy
{
    /// <summary>One row of HAProxy's stats: a server, or a proxy's FRONTEND/BACKEND line.</summary>
    public sealed class HaproxyServerStatus
    {
        public string Proxy { get; set; } = string.Empty;
        public string Server { get; set; } = string.Empty;

        /// <summary>UP, DOWN, "UP 1/2", MAINT, no check, OPEN...</summary>
        public string Status { get; set; } = string.Empty;

        /// <summary>Last health check result, e.g. L7OK, L7STS, L4CON.</summary>
        public string? CheckStatus { get; set; }
        public long? CurrentSessions { get; set; }

        public bool IsServer => Server != "FRONTEND" && Server != "BACKEND";
        public bool IsUp => Status.StartsWith("UP", StringComparison.Ordinal);

        public override string ToString() => $"{Proxy}/{Server} {Status}";
    }

    /// <summary>Reads "show stat" / ";csv" output: a "# pxname,svname,..." header, then one row per proxy/server.</summary>
    public static class HaproxyStatsParser
    {
        public static IReadOnlyList<HaproxyServerStatus> Parse(string csv)
        {
            var lines = csv.Replace("\r", string.Empty).Split('\n');
            var header = lines.FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))
                         ?? throw new FormatException("No '# pxname,svname,...' header in HAProxy stats output.");
            var columns = header.Substring(2).Split(',').Select((name, i) => (name, i)).ToDictionary(c => c.name, c => c.i);
            foreach (var required in new[] { "pxname", "svname", "status" })
            {
                if (!columns.ContainsKey(required))
                {
                    throw new FormatException($"HAProxy stats header lacks column '{required}'.");
                }
            }

            string? Field(string[] row, string name) =>
                columns.TryGetValue(name, out var i) && i < row.Length && row[i].Length > 0 ? row[i] : null;

            return lines
                .Where(l => l.Length > 0 && !l.StartsWith("#", StringComparison.Ordinal))
                .Select(l => l.Split(','))
                .Select(row => new HaproxyServerStatus
                {
                    Proxy = Field(row, "pxname") ?? string.Empty,
                    Server = Field(row, "svname") ?? string.Empty,
                    Status = Field(row, "status") ?? string.Empty,
                    CheckStatus = Field(row, "check_status"),
                    CurrentSessions = long.TryParse(Field(row, "scur"), out var s) ? s : null,
                })
                .ToList();
        }
    }
}
