using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using HaPg.Components.Patroni;
using HaPg.Inventory;
using HaPg.Results;

namespace HaPg.Failover.Report
{
    /// <summary>
    /// A self-contained HTML report of failover results: a summary table, each inventory's shape (names and roles only),
    /// and per scenario its timeline chart, figures, verdict, members before and after, and events. Inline CSS and SVG,
    /// no script, and a Content-Security-Policy that forbids any request. No secret and no address: see <see cref="ReportScrubber"/>.
    /// </summary>
    public sealed class FailoverReportDocument
    {
        /// <summary>A scenario that was asked for but ended in an error, so it has no result: the report says so rather than leave it out.</summary>
        public sealed class Unmeasured
        {
            public Unmeasured(HaPgFailoverScenario scenario, string reason, HaPgInventory? inventory)
            {
                Scenario = scenario;
                Reason = reason;
                Inventory = inventory;
            }

            public HaPgFailoverScenario Scenario { get; }
            public string Reason { get; }
            public HaPgInventory? Inventory { get; }
        }

        private const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";

        // No '<', '>' or '&': an HTML parser reads a style element's text raw, so escaped characters would stay escaped.
        private const string Css =
            "body{font:14px/1.45 system-ui,sans-serif;color:#1d2330;margin:24px auto;max-width:1000px;padding:0 12px}" +
            "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 6px}h3{font-size:14px;margin:12px 0 4px}" +
            "table{border-collapse:collapse;margin:6px 0 10px}table.summary{font-size:13px}table.summary td{white-space:nowrap}.scroll{overflow-x:auto}th,td{border:1px solid #d6dae2;padding:3px 8px;text-align:left;" +
            "font-variant-numeric:tabular-nums;vertical-align:top}th{background:#f3f5f8;font-weight:600}" +
            ".pass{color:#17733a;font-weight:600}.fail{color:#b3261e;font-weight:600}.muted{color:#667085}" +
            ".members{display:flex;gap:24px;flex-wrap:wrap}ul.verdict{margin:4px 0 8px;padding-left:20px}" +
            "section.scenario{border-top:2px solid #e3e6ec;margin-top:24px}" +
            "svg.timeline{display:block;margin:8px 0;max-width:100%;height:auto}" +
            "svg .plot{fill:#fafbfc;stroke:#d6dae2}svg .downtime{fill:#f4c7c3;fill-opacity:.75}" +
            "svg .ack{fill:#2e9e57}svg .failed{fill:#d93025}svg .unknown{fill:#f29900}svg .baseline{stroke:#8a93a6}svg text.downtime-label{fill:#b3261e;font-weight:600}" +
            "svg .tick line{stroke:#e3e6ec}svg .tick.zero line{stroke:#1d2330;stroke-dasharray:3 2}" +
            "svg text{font-size:10px;fill:#4a5366}svg .tick text{text-anchor:middle}svg .mark line{stroke-width:1.5}" +
            "svg .faultinjected line{stroke:#b3261e}svg .faulthealed line{stroke:#7d5ba6}svg .leaderchanged line{stroke:#1a56db}" +
            "svg .haproxyswitched line{stroke:#0e7490}svg .virtualipmoved line{stroke:#c2410c}svg .memberrejoined line{stroke:#17733a}svg .splitbrain line{stroke:#000;stroke-width:3}" +
            "details{margin:6px 0}summary{cursor:pointer;color:#1a56db}";

        private readonly IReadOnlyList<HaPgFailoverResult> results;
        private readonly DateTimeOffset generatedAt;
        private readonly IReadOnlyList<Unmeasured> unmeasured;
        private readonly Dictionary<HaPgInventory, ReportScrubber> scrubbers = new Dictionary<HaPgInventory, ReportScrubber>();

        public FailoverReportDocument(IEnumerable<HaPgFailoverResult> results, DateTimeOffset generatedAt, IEnumerable<Unmeasured>? unmeasured = null)
        {
            this.results = (results ?? throw new ArgumentNullException(nameof(results))).Where(r => r is not null).ToList();
            this.generatedAt = generatedAt;
            this.unmeasured = (unmeasured ?? Enumerable.Empty<Unmeasured>()).ToList();
        }

        /// <summary>"1.234 s", invariant culture: how the report shows every duration.</summary>
        public static string Seconds(TimeSpan? value) =>
            value is TimeSpan t ? t.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + " s" : "-";

        /// <summary>"+1.234 s" or "-0.500 s" from the fault.</summary>
        public static string Relative(TimeSpan sinceFault) =>
            (sinceFault < TimeSpan.Zero ? "-" : "+") + Seconds(sinceFault.Duration());

        public XElement Build()
        {
            var clusters = results.Select(r => r.Inventory).Concat(unmeasured.Select(u => u.Inventory)).Select(i => i?.ClusterName ?? "-")
                .Distinct(StringComparer.Ordinal).ToList();
            var passed = results.Count(r => r.Passed);
            var body = new XElement("body",
                new XElement("header",
                    new XElement("h1", "HaPg failover report"),
                    new XElement("p", new XAttribute("class", "muted"),
                        $"Cluster {string.Join(", ", clusters)} · {results.Count} scenario run(s), {passed} passed, {results.Count - passed} failed" +
                        (unmeasured.Count > 0 ? $", {unmeasured.Count} not measured" : string.Empty) + " · " +
                        $"generated {generatedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC")),
                Summary(clusters.Count > 1));

            foreach (var inventory in results.Select(r => r.Inventory).Concat(unmeasured.Select(u => u.Inventory)).Where(i => i is not null).Distinct())
            {
                body.Add(InventoryShape(inventory!));
            }

            for (var i = 0; i < results.Count; i++)
            {
                body.Add(Scenario(results[i], i + 1));
            }

            return new XElement("html", new XAttribute("lang", "en"),
                new XElement("head",
                    new XElement("meta", new XAttribute("charset", "utf-8")),
                    new XElement("meta", new XAttribute("http-equiv", "Content-Security-Policy"), new XAttribute("content", ContentSecurityPolicy)),
                    new XElement("meta", new XAttribute("name", "viewport"), new XAttribute("content", "width=device-width, initial-scale=1")),
                    new XElement("title", $"HaPg failover report: {string.Join(", ", clusters)}"),
                    new XElement("style", Css)),
                body);
        }

        public string ToHtml()
        {
            var text = new StringBuilder("<!DOCTYPE html>\n");
            var settings = new XmlWriterSettings { OmitXmlDeclaration = true, Indent = false, NewLineHandling = NewLineHandling.None };
            using (var writer = XmlWriter.Create(new StringWriter(text, CultureInfo.InvariantCulture), settings))
            {
                Build().WriteTo(writer);
            }

            return text.Append('\n').ToString();
        }

        /// <summary>Writes the report to a temporary file beside <paramref name="path"/>, then moves it into place.</summary>
        public void Save(string path)
        {
            var full = Path.GetFullPath(path);
            var temp = Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
            try
            {
                File.WriteAllText(temp, ToHtml(), new UTF8Encoding(false));
                if (File.Exists(full)) File.Replace(temp, full, null);
                else File.Move(temp, full);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }

        private ReportScrubber ScrubberFor(HaPgFailoverResult result)
        {
            if (result.Inventory is null) return new ReportScrubber(null);
            if (!scrubbers.TryGetValue(result.Inventory, out var scrubber))
            {
                scrubbers[result.Inventory] = scrubber = new ReportScrubber(result.Inventory);
            }

            return scrubber;
        }

        private XElement Summary(bool showCluster)
        {
            var showVip = results.Any(r => r.VirtualIPHolderBefore is not null);
            var table = new XElement("table", new XAttribute("class", "summary"),
                Row("th", new[] { "#", "Scenario" }.Concat(showCluster ? new[] { "Cluster" } : Array.Empty<string>()).Concat(new[]
                {
                    "Result", "Replication", "Write downtime", "New leader after", "HAProxy switched after", "Leader", "Acknowledged", "Lost", "Unknown", "Unexpected",
                    "Split brain", "Back streaming after",
                }).Concat(showVip ? new[] { "Virtual IP" } : Array.Empty<string>())));
            for (var i = 0; i < results.Count; i++)
            {
                var r = results[i];
                var tr = new XElement("tr", new XAttribute("data-scenario", r.Scenario.ToString()),
                    Cell(new XElement("a", new XAttribute("href", $"#run-{i + 1}"), (i + 1).ToString(CultureInfo.InvariantCulture))),
                    Cell(r.Scenario.ToString()));
                if (showCluster) tr.Add(Cell(r.Inventory?.ClusterName ?? "-"));
                tr.Add(Verdict(r), Field("SynchronousMode", r.SynchronousMode ? "sync" : "async"), Field("WriteDowntime", Seconds(r.WriteDowntime)), Field("TimeToNewLeader", Seconds(r.TimeToNewLeader)),
                    Field("TimeToHaproxySwitch", Seconds(r.TimeToHaproxySwitch)), Cell($"{r.OldLeader} → {Dash(r.NewLeader)}"),
                    Field("AcknowledgedWrites", r.AcknowledgedWrites), Field("LostWrites", r.LostWrites), Field("UnknownWrites", r.UnknownWrites),
                    Field("UnexpectedWrites", r.UnexpectedWrites), Field("SplitBrainObserved", YesNo(r.SplitBrainObserved)),
                    Field("OldLeaderRejoinTime", r.OldLeaderRejoined ? Seconds(r.OldLeaderRejoinTime) : "not back"));
                if (showVip)
                {
                    tr.Add(Field("VirtualIPHolder", r.VirtualIPHolderBefore is null ? "-"
                        : $"{r.VirtualIPHolderBefore} → {Dash(r.VirtualIPHolderAfter)}" + (r.VirtualIPOnTwoNodes ? ", on two nodes" : string.Empty)));
                }

                table.Add(tr);
            }

            foreach (var gap in unmeasured)
            {
                var tr = new XElement("tr", new XAttribute("class", "unmeasured"), new XAttribute("data-scenario", gap.Scenario.ToString()),
                    Cell("-"), Cell(gap.Scenario.ToString()));
                if (showCluster) tr.Add(Cell(gap.Inventory?.ClusterName ?? "-"));
                tr.Add(new XElement("td", new XAttribute("data-field", "Passed"), new XAttribute("class", "fail"), "not measured"),
                    new XElement("td", new XAttribute("colspan", "10"), new ReportScrubber(gap.Inventory).Scrub(gap.Reason)));
                table.Add(tr);
            }

            return new XElement("section", new XAttribute("class", "summary"), new XElement("h2", "Summary"),
                new XElement("div", new XAttribute("class", "scroll"), table));
        }

        private static XElement InventoryShape(HaPgInventory inventory)
        {
            var table = new XElement("table", Row("th", new[] { "Node", "Roles" }));
            foreach (var node in inventory.Nodes)
            {
                table.Add(Row("td", new[] { node.Name, node.Roles.ToString() }));
            }

            return new XElement("section", new XAttribute("class", "inventory"), new XAttribute("data-cluster", inventory.ClusterName),
                new XElement("h2", $"Cluster {inventory.ClusterName}: {inventory.Nodes.Count} nodes"), table);
        }

        private XElement Scenario(HaPgFailoverResult r, int index)
        {
            var scrubber = ScrubberFor(r);
            var chart = new FailoverTimelineChart(r, scrubber.Scrub);
            var section = new XElement("section", new XAttribute("class", "scenario"), new XAttribute("id", $"run-{index}"),
                new XAttribute("data-scenario", r.Scenario.ToString()),
                new XElement("h2", $"{index}. {r.Scenario}" + (r.Inventory is null ? string.Empty : $" on {r.Inventory.ClusterName}") + ": ",
                    new XElement("span", new XAttribute("class", r.Passed ? "pass" : "fail"), r.Passed ? "passed" : "failed")),
                new XElement("p", new XAttribute("class", "muted"),
                    $"Fault on {Dash(r.Node)} at {r.FaultTime?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) ?? "-"} UTC; " +
                    $"{(r.SynchronousMode ? "synchronous" : "asynchronous")} replication; the run took {Seconds(r.Duration)}."));
            if (r.Messages.Count > 0)
            {
                section.Add(new XElement("ul", new XAttribute("class", "verdict"), r.Messages.Select(m => new XElement("li", scrubber.Scrub(m)))));
            }

            section.Add(chart.Build(), Figures(r), new XElement("div", new XAttribute("class", "members"),
                Members("Before the fault", "before", r.MembersBefore), Members("After", "after", r.MembersAfter)));
            var events = new XElement("table", new XAttribute("class", "events"), Row("th", new[] { "From the fault", "Node", "Event", "What happened" }));
            foreach (var e in r.Events)
            {
                events.Add(Row("td", new[] { Relative(e.Time - chart.Origin), scrubber.Scrub(e.Node), e.Kind.ToString(), scrubber.Scrub(e.Message) }));
            }

            section.Add(new XElement("details", new XElement("summary", $"Events ({r.Events.Count})"), events));
            return section;
        }

        private static XElement Figures(HaPgFailoverResult r)
        {
            var rows = new (string Label, string Field, string Value)[]
            {
                ("Write downtime", "WriteDowntime", Seconds(r.WriteDowntime)),
                ("New leader after", "TimeToNewLeader", Seconds(r.TimeToNewLeader)),
                ("HAProxy switched after", "TimeToHaproxySwitch", Seconds(r.TimeToHaproxySwitch)),
                ("Leader", "Leader", $"{r.OldLeader} → {Dash(r.NewLeader)}"),
                ("Timeline", "Timeline", $"{Dash(r.TimelineBefore)} → {Dash(r.TimelineAfter)}"),
                ("Writes acknowledged", "AcknowledgedWrites", Count(r.AcknowledgedWrites)),
                ("Writes failed (not committed)", "FailedWrites", Count(r.Writes.Count(w => w.Outcome == WriteOutcome.Failed))),
                ("Writes unknown (sent, no answer)", "UnknownWrites", Count(r.UnknownWrites)),
                ("Acknowledged but lost", "LostWrites", Count(r.LostWrites)),
                ("Read back but not expected", "UnexpectedWrites", Count(r.UnexpectedWrites)),
                ("Two writable primaries", "SplitBrainObserved", YesNo(r.SplitBrainObserved)),
                ("Diverged replicas", "DivergedReplicas", r.DivergedReplicas.Length == 0 ? "none" : string.Join(", ", r.DivergedReplicas)),
                ("Restored node streaming after", "OldLeaderRejoinTime", r.OldLeaderRejoined ? Seconds(r.OldLeaderRejoinTime) : "not back"),
            }.Concat(LeaseRows(r)).Concat(r.VirtualIPHolderBefore is null ? Enumerable.Empty<(string, string, string)>() : new[]
            {
                ("Virtual IP holder", "VirtualIPHolder", $"{r.VirtualIPHolderBefore} → {Dash(r.VirtualIPHolderAfter)}"),
                ("Virtual IP moved after", "TimeToVirtualIPMove", Seconds(r.TimeToVirtualIPMove)),
                ("Virtual IP on two nodes", "VirtualIPOnTwoNodes", YesNo(r.VirtualIPOnTwoNodes)),
            }).ToArray();
            var table = new XElement("table", new XAttribute("class", "figures"));
            foreach (var (label, field, value) in rows)
            {
                table.Add(new XElement("tr", new XElement("th", label), Field(field, value)));
            }

            return table;
        }

        /// <summary>
        /// The leader lease, and for a fault the leader does not announce (crash, cut, hard stop, freeze) how far the downtime is
        /// above the lease's earliest expiry, ttl − loop_wait: the physical floor, since no replica may take the lock sooner.
        /// </summary>
        private static IEnumerable<(string, string, string)> LeaseRows(HaPgFailoverResult r)
        {
            if (r.LeaderTtl is not TimeSpan ttl || r.LoopWait is not TimeSpan loopWait)
            {
                yield break;
            }

            var floor = ttl - loopWait;
            yield return ("Leader lease", "LeaderLease",
                $"ttl {ttl.TotalSeconds:0} s, loop_wait {loopWait.TotalSeconds:0} s: an unannounced leader's key expires {floor.TotalSeconds:0}–{ttl.TotalSeconds:0} s after its last renewal");
            if (LeaseBound(r.Scenario) && r.WriteDowntime is TimeSpan downtime)
            {
                yield return ("Above the lease's earliest expiry", "AboveLeaseFloor", (downtime >= floor ? "+" : "-") + Seconds((downtime - floor).Duration()));
            }
        }

        /// <summary>The faults where the lock must expire before another member may take it.</summary>
        public static bool LeaseBound(HaPgFailoverScenario scenario) =>
            scenario == HaPgFailoverScenario.Crash || scenario == HaPgFailoverScenario.Isolate || scenario == HaPgFailoverScenario.NodeHardStop
            || scenario == HaPgFailoverScenario.NodeFreeze;

        private static XElement Members(string title, string when, IReadOnlyCollection<PatroniMember> members)
        {
            var table = new XElement("table", new XAttribute("class", "members-" + when), Row("th", new[] { "Member", "Role", "State", "Timeline", "Lag (bytes)" }));
            foreach (var m in members)
            {
                table.Add(Row("td", new[] { m.Name, m.Role, Dash(m.State), Dash(m.Timeline), m.IsLeader ? "-" : Dash(m.LagBytes) }));
            }

            if (members.Count == 0) table.Add(Row("td", new[] { "not read", string.Empty, string.Empty, string.Empty, string.Empty }));
            return new XElement("div", new XElement("h3", title), table);
        }

        private static XElement Verdict(HaPgFailoverResult r) =>
            new XElement("td", new XAttribute("data-field", "Passed"), new XAttribute("class", r.Passed ? "pass" : "fail"), r.Passed ? "passed" : "failed");

        private static XElement Row(string cell, IEnumerable<string> values) => new XElement("tr", values.Select(v => new XElement(cell, v ?? string.Empty)));

        private static XElement Cell(object content) => new XElement("td", content);

        private static XElement Field(string name, object value) =>
            new XElement("td", new XAttribute("data-field", name), Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty);

        private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static string YesNo(bool value) => value ? "yes" : "no";

        private static string Dash(object? value) =>
            value is null || (value is string s && s.Length == 0) ? "-" : Convert.ToString(value, CultureInfo.InvariantCulture)!;
    }
}
