using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using HaPg.Components.Patroni;
using HaPg.Failover;
using HaPg.Failover.Report;
using HaPg.Inventory;
using HaPg.Results;
using HaPg.Tests.Components;
using Xunit;

namespace HaPg.Tests.Failover
{
    public sealed class FailoverReportTests
    {
        private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
        private static readonly DateTimeOffset Fault = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        private const string SuperuserPassword = "S3cret-superuser-Zq9";
        private const string StatsPassword = "S3cret-stats-Yw2";

        /// <summary>
        /// A recorded-shape Crash: a write every 50 ms (10 ms each) from -3.00 s to +9.95 s; failed from 0.0 to 1.0 s, unknown
        /// to 1.5 s, acknowledged otherwise. So 130 buckets of 100 ms from -3.0 s to +10.0 s, and the downtime from the last
        /// acknowledgement (-0.04 s) to the first after (+1.51 s).
        /// </summary>
        internal static HaPgFailoverResult Crash(HaPgInventory? inventory = null)
        {
            var writes = new List<WriteAttempt>();
            for (var i = -60; i < 200; i++)
            {
                var start = Fault + TimeSpan.FromMilliseconds(i * 50);
                var outcome = i >= 0 && i < 20 ? WriteOutcome.Failed : i >= 20 && i < 30 ? WriteOutcome.Unknown : WriteOutcome.Acknowledged;
                writes.Add(new WriteAttempt(i + 61, start, start + TimeSpan.FromMilliseconds(10), outcome,
                    outcome == WriteOutcome.Acknowledged ? null : "Failed to connect to 10.0.0.20:5000", outcome == WriteOutcome.Acknowledged ? 3 : null));
            }

            FailoverEvent At(double seconds, FailoverEventKind kind, string node, string message) =>
                new FailoverEvent(Fault + TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(seconds + 10), kind, node, message);

            return new HaPgFailoverResult
            {
                Scenario = HaPgFailoverScenario.Crash,
                Node = "pg1",
                OldLeader = "pg1",
                NewLeader = "pg2",
                TimelineBefore = 3,
                TimelineAfter = 4,
                FaultTime = Fault,
                WriteOutageStart = Fault - TimeSpan.FromMilliseconds(40),
                WriteOutageEnd = Fault + TimeSpan.FromMilliseconds(1510),
                WriteDowntime = TimeSpan.FromMilliseconds(1550),
                TimeToNewLeader = TimeSpan.FromMilliseconds(1200),
                TimeToHaproxySwitch = TimeSpan.FromMilliseconds(1400),
                AcknowledgedWrites = writes.Count(w => w.Outcome == WriteOutcome.Acknowledged),
                UnknownWrites = 10,
                OldLeaderRejoined = true,
                OldLeaderRejoinTime = TimeSpan.FromSeconds(4),
                SynchronousMode = true,
                Passed = true,
                Writes = writes.ToArray(),
                Events = new List<FailoverEvent>
                {
                    At(-2.5, FailoverEventKind.Note, "pg1", $"password {SuperuserPassword} must never show"),
                    At(0, FailoverEventKind.FaultInjected, "pg1", "kill -9 patroni and postgres"),
                    At(0.05, FailoverEventKind.WritesFailing, "10.0.0.20:5000", "Write #62 Failed: Failed to connect to 10.0.0.20:5000"),
                    At(1.2, FailoverEventKind.LeaderChanged, "pg2", "Patroni: pg2 holds the leader lock"),
                    At(1.4, FailoverEventKind.HaproxySwitched, "lb1", "HAProxy routes 5000 to pg2"),
                    At(5, FailoverEventKind.FaultHealed, "pg1", "fault removed"),
                    At(9, FailoverEventKind.MemberRejoined, "pg1", "pg1 is back and streaming"),
                },
                MembersBefore = new[]
                {
                    new PatroniMember { Name = "pg1", Role = "leader", State = "running", Timeline = 3, Host = "10.0.0.11" },
                    new PatroniMember { Name = "pg2", Role = "sync_standby", State = "streaming", Timeline = 3, LagBytes = 0, Host = "10.0.0.12" },
                },
                MembersAfter = new[]
                {
                    new PatroniMember { Name = "pg2", Role = "leader", State = "running", Timeline = 4, Host = "10.0.0.12" },
                    new PatroniMember { Name = "pg1", Role = "sync_standby", State = "streaming", Timeline = 4, LagBytes = 0, Host = "10.0.0.11" },
                },
                Inventory = inventory,
            };
        }

        internal static HaPgInventory Inventory()
        {
            var inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true);
            inventory.Secrets.SuperuserPassword = Secure(SuperuserPassword);
            inventory.Secrets.HaproxyStatsPassword = Secure(StatsPassword);
            return inventory;
        }

        private static SecureString Secure(string text)
        {
            var secure = new SecureString();
            foreach (var c in text) secure.AppendChar(c);
            return secure;
        }

        /// <summary>The chart's scale, written out from its documented layout rather than asked of it.</summary>
        private static double ExpectedX(double secondsFromFault) =>
            FailoverTimelineChart.PlotLeft + (secondsFromFault + 3.0) / 13.0 * (FailoverTimelineChart.PlotRight - FailoverTimelineChart.PlotLeft);

        private static double Number(XElement element, string attribute) =>
            double.Parse(element.Attribute(attribute)!.Value, CultureInfo.InvariantCulture);

        [Fact]
        public void ChartHasOneBarGroupPerHundredMillisecondsFromTheFirstWriteToTheLast()
        {
            var svg = new FailoverTimelineChart(Crash()).Build();

            var buckets = svg.Elements(Svg + "g").Where(g => g.Attribute("class")?.Value == "bucket").ToList();
            Assert.Equal(130, buckets.Count);
            Assert.Equal("-3", buckets.First().Attribute("data-t")!.Value);
            Assert.Equal("9.9", buckets.Last().Attribute("data-t")!.Value);
            Assert.Equal("Crash", svg.Attribute("data-scenario")!.Value);
        }

        [Fact]
        public void ChartCountsEachOutcomeInTheBucketWhereItWasKnown()
        {
            var buckets = new FailoverTimelineChart(Crash()).Build().Elements(Svg + "g")
                .Where(g => g.Attribute("class")?.Value == "bucket").ToDictionary(g => g.Attribute("data-t")!.Value);

            int Count(string t, string css) =>
                buckets[t].Elements(Svg + "rect").Where(r => r.Attribute("class")!.Value == css).Sum(r => int.Parse(r.Attribute("data-count")!.Value, CultureInfo.InvariantCulture));

            Assert.Equal(2, Count("-1", "ack"));
            Assert.Equal(0, Count("-1", "failed"));
            Assert.Equal(2, Count("0", "failed"));
            Assert.Equal(0, Count("0", "ack"));
            Assert.Equal(2, Count("1.2", "unknown"));
            Assert.Equal(2, Count("1.5", "ack"));
            Assert.Equal(230, buckets.Keys.Sum(t => Count(t, "ack")));
            Assert.Empty(buckets["0.5"].Elements(Svg + "rect").Where(r => r.Attribute("class")!.Value == "ack"));
        }

        [Fact]
        public void ChartMarksEachFailoverStepAtItsTime()
        {
            var marks = new FailoverTimelineChart(Crash()).Build().Elements(Svg + "g")
                .Where(g => g.Attribute("class")!.Value.StartsWith("mark ", StringComparison.Ordinal)).ToList();

            var expected = new (string Kind, double Seconds)[]
            {
                ("FaultInjected", 0), ("LeaderChanged", 1.2), ("HaproxySwitched", 1.4), ("FaultHealed", 5), ("MemberRejoined", 9),
            };
            Assert.Equal(expected.Select(e => e.Kind), marks.Select(m => m.Attribute("data-kind")!.Value));
            foreach (var ((kind, seconds), mark) in expected.Zip(marks, (e, m) => (e, m)))
            {
                var line = mark.Element(Svg + "line")!;
                Assert.Equal(ExpectedX(seconds), Number(line, "x1"), 2);
                Assert.Equal(Number(line, "x1"), Number(line, "x2"), 2);
                Assert.Equal(FailoverTimelineChart.PlotBottom, Number(line, "y2"), 2);
            }
        }

        [Fact]
        public void ChartShadesTheWriteDowntimeBetweenTheAcknowledgementsAroundIt()
        {
            var shade = new FailoverTimelineChart(Crash()).Build().Elements(Svg + "rect").Single(r => r.Attribute("class")!.Value == "downtime");

            Assert.Equal(ExpectedX(-0.04), Number(shade, "x"), 2);
            Assert.Equal(ExpectedX(1.51) - ExpectedX(-0.04), Number(shade, "width"), 1);
            Assert.Equal("write downtime 1.550 s", shade.Element(Svg + "title")!.Value);
        }

        [Fact]
        public void ChartWithoutRecoveredWritesHasNoShade()
        {
            var result = Crash();
            result.WriteDowntime = null;
            result.WriteOutageEnd = null;

            Assert.DoesNotContain(new FailoverTimelineChart(result).Build().Elements(Svg + "rect"), r => r.Attribute("class")!.Value == "downtime");
        }

        [Fact]
        public void ReportShowsEachResultsFiguresInItsSectionAndInTheSummary()
        {
            var inventory = Inventory();
            var switchover = Crash(inventory);
            switchover.Scenario = HaPgFailoverScenario.Switchover;
            switchover.WriteDowntime = TimeSpan.FromMilliseconds(734);
            var html = Parse(new FailoverReportDocument(new[] { switchover, Crash(inventory) }, Fault).ToHtml());

            var sections = html.Descendants("section").Where(s => s.Attribute("class")?.Value == "scenario").ToList();
            Assert.Equal(new[] { "Switchover", "Crash" }, sections.Select(s => s.Attribute("data-scenario")!.Value));
            Assert.Equal(new[] { "0.734 s", "1.550 s" }, sections.Select(s => FieldOf(s, "WriteDowntime")));
            Assert.Equal("1.200 s", FieldOf(sections[1], "TimeToNewLeader"));
            Assert.Equal("1.400 s", FieldOf(sections[1], "TimeToHaproxySwitch"));
            Assert.Equal("pg1 → pg2", FieldOf(sections[1], "Leader"));
            Assert.Equal("3 → 4", FieldOf(sections[1], "Timeline"));
            Assert.Equal("20", FieldOf(sections[1], "FailedWrites"));
            Assert.Equal("10", FieldOf(sections[1], "UnknownWrites"));
            Assert.Equal("0", FieldOf(sections[1], "LostWrites"));
            Assert.Equal("4.000 s", FieldOf(sections[1], "OldLeaderRejoinTime"));
            Assert.All(sections, s => Assert.Single(s.Elements(Svg + "svg")));

            var summary = html.Descendants("table").Single(t => t.Attribute("class")?.Value == "summary").Elements("tr").Skip(1).ToList();
            Assert.Equal(new[] { "0.734 s", "1.550 s" }, summary.Select(r => FieldOf(r, "WriteDowntime")));
            Assert.Equal(new[] { "passed", "passed" }, summary.Select(r => FieldOf(r, "Passed")));

            var before = sections[1].Descendants("table").Single(t => t.Attribute("class")?.Value == "members-before").Elements("tr").Skip(1)
                .Select(r => string.Join("|", r.Elements("td").Select(c => c.Value)));
            Assert.Equal(new[] { "pg1|leader|running|3|-", "pg2|sync_standby|streaming|3|0" }, before);
        }

        [Fact]
        public void ReportShowsTheInventorysNamesAndRolesButNoSecretAndNoAddress()
        {
            var inventory = Inventory();
            var text = new FailoverReportDocument(new[] { Crash(inventory) }, Fault).ToHtml();
            var html = Parse(text);

            var shape = html.Descendants("section").Single(s => s.Attribute("class")?.Value == "inventory").Descendants("tr").Skip(1)
                .Select(r => string.Join("|", r.Elements("td").Select(c => c.Value)));
            Assert.Equal(new[] { "pg1|Postgres, Etcd", "pg2|Postgres, Etcd", "pg3|Postgres, Etcd", "lb1|Haproxy" }, shape);
            Assert.DoesNotContain(SuperuserPassword, text, StringComparison.Ordinal);
            Assert.DoesNotContain(StatsPassword, text, StringComparison.Ordinal);
            Assert.DoesNotContain("10.0.0.", text, StringComparison.Ordinal);
            Assert.Contains("Failed to connect to lb1:5000", text, StringComparison.Ordinal);
            Assert.Contains("password *** must never show", text, StringComparison.Ordinal);
        }

        [Fact]
        public void ReportIsOnePageThatAsksForNothing()
        {
            var text = new FailoverReportDocument(new[] { Crash(Inventory()) }, Fault).ToHtml();
            var html = Parse(text);

            Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">", text, StringComparison.Ordinal);
            Assert.Empty(html.Descendants().Where(e => e.Name.LocalName is "script" or "link" or "img" or "iframe" or "object" or "use" or "image"));
            Assert.All(html.Descendants().Attributes().Where(a => a.Name.LocalName is "src" or "href"), a => Assert.StartsWith("#", a.Value, StringComparison.Ordinal));
            Assert.DoesNotContain("url(", html.Descendants("style").Single().Value, StringComparison.Ordinal);
            var policy = html.Descendants("meta").Single(m => m.Attribute("http-equiv")?.Value == "Content-Security-Policy");
            Assert.StartsWith("default-src 'none';", policy.Attribute("content")!.Value, StringComparison.Ordinal);
            Assert.DoesNotMatch(new Regex(@"[<>&]"), html.Descendants("style").Single().Value);

            // An HTML parser ignores "/>" on a normal element: <td/> would swallow the rest of the row.
            var htmlElements = new Regex(@"<(?:html|head|body|title|style|section|header|div|p|span|ul|li|h\d|table|tr|th|td|a|details|summary)\b[^>]*/>");
            Assert.DoesNotMatch(htmlElements, text);
        }

        [Fact]
        public void ReportListsAScenarioThatEndedInAnErrorAsNotMeasured()
        {
            var inventory = Inventory();
            var gap = new FailoverReportDocument.Unmeasured(HaPgFailoverScenario.Isolate, "pg1 (10.0.0.11): the cluster is not healthy", inventory);
            var html = Parse(new FailoverReportDocument(new[] { Crash(inventory) }, Fault, new[] { gap }).ToHtml());

            var row = html.Descendants("tr").Single(r => r.Attribute("class")?.Value == "unmeasured");
            Assert.Equal("Isolate", row.Attribute("data-scenario")!.Value);
            Assert.Equal("not measured", FieldOf(row, "Passed"));
            Assert.Equal("pg1 (pg1): the cluster is not healthy", row.Elements("td").Last().Value);
            Assert.Contains("1 scenario run(s), 1 passed, 0 failed, 1 not measured", html.Descendants("header").Single().Value, StringComparison.Ordinal);
            Assert.DoesNotContain(html.Descendants("section"), s => s.Attribute("data-scenario")?.Value == "Isolate");
        }

        [Fact]
        public void ReportShowsWhereTheVirtualIPWentOnlyWhenThereIsOne()
        {
            var withVip = Crash();
            withVip.Scenario = HaPgFailoverScenario.HaproxyStop;
            withVip.VirtualIPHolderBefore = "lb1";
            withVip.VirtualIPHolderAfter = "lb2";
            withVip.TimeToVirtualIPMove = TimeSpan.FromMilliseconds(2250);
            withVip.Events.Add(new FailoverEvent(Fault + TimeSpan.FromSeconds(2.25), TimeSpan.FromSeconds(12.25), FailoverEventKind.VirtualIPMoved, "lb2", "keepalived: lb2 holds it"));
            var html = Parse(new FailoverReportDocument(new[] { withVip, Crash() }, Fault).ToHtml());

            var sections = html.Descendants("section").Where(s => s.Attribute("class")?.Value == "scenario").ToList();
            Assert.Equal("lb1 → lb2", FieldOf(sections[0], "VirtualIPHolder"));
            Assert.Equal("2.250 s", FieldOf(sections[0], "TimeToVirtualIPMove"));
            Assert.Equal("no", FieldOf(sections[0], "VirtualIPOnTwoNodes"));
            Assert.Contains(sections[0].Descendants(Svg + "g"), g => g.Attribute("data-kind")?.Value == "VirtualIPMoved");
            Assert.DoesNotContain(sections[1].Descendants("td"), td => td.Attribute("data-field")?.Value == "VirtualIPHolder");
            var summary = html.Descendants("table").Single(t => t.Attribute("class")?.Value == "summary").Elements("tr").Skip(1);
            Assert.Equal(new[] { "lb1 → lb2", "-" }, summary.Select(r => FieldOf(r, "VirtualIPHolder")));
        }

        [Fact]
        public void ReportSaysHowFarACrashsDowntimeIsAboveTheLeaseFloor()
        {
            var crash = Crash();
            crash.WriteDowntime = TimeSpan.FromMilliseconds(15710);
            crash.LeaderTtl = TimeSpan.FromSeconds(20);
            crash.LoopWait = TimeSpan.FromSeconds(5);
            var switchover = Crash();
            switchover.Scenario = HaPgFailoverScenario.Switchover;
            switchover.LeaderTtl = crash.LeaderTtl;
            switchover.LoopWait = crash.LoopWait;
            var html = Parse(new FailoverReportDocument(new[] { crash, switchover, Crash() }, Fault).ToHtml());

            var sections = html.Descendants("section").Where(s => s.Attribute("class")?.Value == "scenario").ToList();
            Assert.Equal("+0.710 s", FieldOf(sections[0], "AboveLeaseFloor"));
            Assert.Contains("expires 15–20 s after its last renewal", FieldOf(sections[0], "LeaderLease"));
            Assert.Contains("ttl 20 s", FieldOf(sections[1], "LeaderLease"));
            Assert.DoesNotContain(sections[1].Descendants("td"), td => td.Attribute("data-field")?.Value == "AboveLeaseFloor");
            Assert.DoesNotContain(sections[2].Descendants("td"), td => td.Attribute("data-field")?.Value == "LeaderLease");
        }

        [Fact]
        public void ReportWithNoResultStillSaysSo()
        {
            var html = Parse(new FailoverReportDocument(Array.Empty<HaPgFailoverResult>(), Fault).ToHtml());

            Assert.Contains("0 scenario run(s), 0 passed, 0 failed", html.Descendants("header").Single().Value, StringComparison.Ordinal);
        }

        [Fact]
        public void SaveReplacesTheFileWholeAndLeavesNoTemporaryFile()
        {
            var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "hapg-report-" + Guid.NewGuid().ToString("N"))).FullName;
            try
            {
                var path = Path.Combine(folder, "report.html");
                File.WriteAllText(path, "old");
                new FailoverReportDocument(new[] { Crash() }, Fault).Save(path);

                Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(path), StringComparison.Ordinal);
                Assert.Equal(new[] { "report.html" }, Directory.GetFiles(folder).Select(Path.GetFileName));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [Theory]
        [InlineData("to 10.0.0.1:5432", "to pg1:5432")]
        [InlineData("to 10.0.0.11:5432", "to pg11:5432")]
        [InlineData("at 10.0.0.1.", "at pg1.")]
        [InlineData("10.0.0.1.5 and 110.0.0.1", "10.0.0.1.5 and 110.0.0.1")]
        [InlineData("host DB.example.com down", "host pg3 down")]
        [InlineData("host db.example.company", "host db.example.company")]
        public void ScrubberReplacesWholeAddressesOnly(string text, string expected)
        {
            var inventory = new HaPgInventory
            {
                Nodes = new List<HaPgNode>
                {
                    new HaPgNode { Name = "pg1", Address = "10.0.0.1" },
                    new HaPgNode { Name = "pg11", Address = "10.0.0.11" },
                    new HaPgNode { Name = "pg3", Address = "db.example.com" },
                },
            };

            Assert.Equal(expected, new ReportScrubber(inventory).Scrub(text));
        }

        private static string FieldOf(XElement scope, string field) =>
            scope.Descendants("td").Single(td => td.Attribute("data-field")?.Value == field).Value;

        private static XDocument Parse(string html)
        {
            using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
            return XDocument.Load(reader);
        }
    }
}
