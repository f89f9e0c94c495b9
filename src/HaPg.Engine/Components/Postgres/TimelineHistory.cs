using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace HaPg.Components.Postgres
{
    /// <summary>One line of a timeline history file: the node left <see cref="Parent"/> at <see cref="Lsn"/>.</summary>
    public sealed class TimelineSwitch
    {
        public TimelineSwitch(long parent, string lsn)
        {
            Parent = parent;
            Lsn = lsn;
        }

        public long Parent { get; }
        public string Lsn { get; }

        public override string ToString() => $"{Parent} at {Lsn}";
    }

    /// <summary>
    /// A node's newest timeline history file (pg_wal/0000000C.history): the timeline it leads to and the switch points
    /// on the way. Two nodes can promote to the same timeline number from different points (Patroni 3.0.2's
    /// patroni/patroni#2689); only the switch points tell those timelines apart.
    /// </summary>
    public sealed class TimelineHistory
    {
        private TimelineHistory(long timeline, IReadOnlyList<TimelineSwitch>? switches)
        {
            Timeline = timeline;
            Switches = switches;
        }

        public long Timeline { get; }

        /// <summary>The switch points, oldest first; null when only the timeline number is known.</summary>
        public IReadOnlyList<TimelineSwitch>? Switches { get; }

        /// <summary>The newest history file's name and its lines joined by ';', in one line.</summary>
        public const string NewestSql =
            "select coalesce((select name || ':' || translate(pg_read_file('pg_wal/' || name), E'\\n', ';') from pg_ls_waldir() " +
            "where name ~ '^[0-9A-F]{8}\\.history$' order by name desc limit 1), '')";

        /// <summary>A timeline whose switch points are unknown (e.g. only Patroni's number for it).</summary>
        public static TimelineHistory NumberOnly(long timeline) => new TimelineHistory(timeline, null);

        /// <summary>
        /// Parses <see cref="NewestSql"/>'s output, "0000000C.history:11\t0/429EAD0\treason;...". Empty means timeline 1,
        /// which has no history; null when the text is not such a line.
        /// </summary>
        public static TimelineHistory? Parse(string text)
        {
            text = text.Trim();
            if (text.Length == 0)
            {
                return new TimelineHistory(1, Array.Empty<TimelineSwitch>());
            }

            var colon = text.IndexOf(':');
            if (colon != 16 || !long.TryParse(text.Substring(0, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var timeline))
            {
                return null;
            }

            var switches = new List<TimelineSwitch>();
            foreach (var line in text.Substring(colon + 1).Split(';').Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] != '#'))
            {
                var fields = line.Split(new[] { '\t', ' ' }, 3, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 2 || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var parent))
                {
                    return null;
                }

                switches.Add(new TimelineSwitch(parent, fields[1]));
            }

            return new TimelineHistory(timeline, switches);
        }

        /// <summary>
        /// Why a replica with this history cannot follow a leader with <paramref name="leader"/>'s, or null when it can (or
        /// the histories do not say): it is on a newer timeline, or it left a timeline at another point than the leader did.
        /// </summary>
        public string? DivergenceFrom(TimelineHistory leader)
        {
            if (Timeline > leader.Timeline)
            {
                return $"it holds the history of timeline {Timeline}, ahead of the leader's timeline {leader.Timeline}";
            }

            if (Switches is not { Count: > 0 } mine || leader.Switches is not { Count: > 0 } theirs)
            {
                return null;
            }

            // The same timeline number must come from the same switch; an older one must be left where the leader left it.
            var last = mine[mine.Count - 1];
            var theirsFromParent = Timeline == leader.Timeline ? theirs[theirs.Count - 1] : theirs.FirstOrDefault(s => s.Parent == last.Parent);
            if (theirsFromParent is null
                || theirsFromParent.Parent == last.Parent && string.Equals(theirsFromParent.Lsn, last.Lsn, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            return theirsFromParent.Parent == last.Parent
                ? $"its timeline {Timeline} left timeline {last.Parent} at {last.Lsn}, where the leader's history left it at {theirsFromParent.Lsn}"
                : $"its timeline {Timeline} left timeline {last.Parent}, where the leader's timeline {leader.Timeline} left timeline {theirsFromParent.Parent}";
        }

        public override string ToString() => Switches is null
            ? $"timeline {Timeline}"
            : $"timeline {Timeline} ({string.Join(", ", Switches.Select(s => s.ToString()))})";
    }
}
