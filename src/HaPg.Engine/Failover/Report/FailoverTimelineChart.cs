using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Xml.Linq;
using HaPg.Results;

namespace HaPg.Failover.Report
{
    /// <summary>
    /// One scenario's timeline as an SVG: the writer's outcomes per 100 ms bucket (acknowledged up, failed and unknown
    /// down), the write downtime shaded, and a mark for each step of the failover. Times are relative to the fault. Pure.
    /// </summary>
    public sealed class FailoverTimelineChart
    {
        public static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
        public static readonly TimeSpan Bucket = TimeSpan.FromMilliseconds(100);

        public const double Width = 960;
        public const double Height = 260;
        public const double PlotLeft = 44;
        public const double PlotRight = Width - 24;
        public const double PlotTop = 62;
        public const double PlotBottom = Height - 30;
        public const double Baseline = PlotTop + (PlotBottom - PlotTop) * 0.6;
        private const int LabelRows = 4;
        private const double LabelRowHeight = 12;

        /// <summary>The event kinds drawn as marks, with their short label and CSS class.</summary>
        public static readonly IReadOnlyDictionary<FailoverEventKind, string> MarkLabels = new Dictionary<FailoverEventKind, string>
        {
            [FailoverEventKind.FaultInjected] = "fault",
            [FailoverEventKind.LeaderChanged] = "leader lock",
            [FailoverEventKind.HaproxySwitched] = "HAProxy switched",
            [FailoverEventKind.VirtualIPMoved] = "VIP moved",
            [FailoverEventKind.FaultHealed] = "healed",
            [FailoverEventKind.MemberRejoined] = "streaming again",
            [FailoverEventKind.SplitBrain] = "split brain",
        };

        private readonly HaPgFailoverResult result;
        private readonly Func<string, string> scrub;

        public FailoverTimelineChart(HaPgFailoverResult result, Func<string, string>? scrub = null)
        {
            this.result = result ?? throw new ArgumentNullException(nameof(result));
            this.scrub = scrub ?? (s => s);
            Origin = result.FaultTime ?? result.Writes.Select(w => (DateTimeOffset?)w.Start).FirstOrDefault()
                ?? result.Events.Select(e => (DateTimeOffset?)e.Time).FirstOrDefault() ?? DateTimeOffset.MinValue;

            var times = result.Writes.SelectMany(w => new[] { w.Start, w.End }).Concat(result.Events.Select(e => e.Time))
                .Select(t => t - Origin).DefaultIfEmpty(TimeSpan.Zero).ToList();
            FirstBucket = (int)Math.Floor(Math.Min(0, times.Min().Ticks) / (double)Bucket.Ticks);
            LastBucket = Math.Max(FirstBucket, (int)Math.Floor(Math.Max(0, times.Max().Ticks) / (double)Bucket.Ticks));
        }

        /// <summary>Time zero of the chart: the fault, else the first write or event.</summary>
        public DateTimeOffset Origin { get; }

        /// <summary>Index of the first and last 100 ms bucket relative to <see cref="Origin"/> (bucket 0 starts at the fault).</summary>
        public int FirstBucket { get; }
        public int LastBucket { get; }
        public int BucketCount => LastBucket - FirstBucket + 1;

        public TimeSpan Start => TimeSpan.FromTicks(FirstBucket * Bucket.Ticks);
        public TimeSpan End => TimeSpan.FromTicks((LastBucket + 1) * Bucket.Ticks);

        /// <summary>The x coordinate of a time relative to the fault.</summary>
        public double X(TimeSpan sinceFault) =>
            PlotLeft + (sinceFault - Start).Ticks / (double)(End - Start).Ticks * (PlotRight - PlotLeft);

        public double X(DateTimeOffset time) => X(time - Origin);

        /// <summary>Outcome counts per bucket, by when the outcome was known (the commit confirmed, the error returned).</summary>
        public IReadOnlyList<(int Acknowledged, int Failed, int Unknown)> Counts()
        {
            var counts = new (int Acknowledged, int Failed, int Unknown)[BucketCount];
            foreach (var write in result.Writes)
            {
                var index = (int)Math.Floor((write.End - Origin).Ticks / (double)Bucket.Ticks) - FirstBucket;
                if (index < 0 || index >= counts.Length) continue;
                var c = counts[index];
                counts[index] = write.Outcome switch
                {
                    WriteOutcome.Acknowledged => (c.Acknowledged + 1, c.Failed, c.Unknown),
                    WriteOutcome.Failed => (c.Acknowledged, c.Failed + 1, c.Unknown),
                    _ => (c.Acknowledged, c.Failed, c.Unknown + 1),
                };
            }

            return counts;
        }

        public XElement Build()
        {
            var counts = Counts();
            var scale = Math.Max(1, counts.Max(c => Math.Max(c.Acknowledged, c.Failed + c.Unknown)));
            var up = (Baseline - PlotTop) / scale;
            var down = (PlotBottom - Baseline) / scale;
            var barWidth = (PlotRight - PlotLeft) / BucketCount;

            var svg = new XElement(Svg + "svg",
                new XAttribute("class", "timeline"),
                new XAttribute("data-scenario", result.Scenario.ToString()),
                new XAttribute("viewBox", $"0 0 {N(Width)} {N(Height)}"),
                new XAttribute("width", N(Width)),
                new XAttribute("height", N(Height)),
                new XAttribute("role", "img"),
                new XElement(Svg + "title", $"{result.Scenario}: writes per 100 ms, relative to the fault"),
                new XElement(Svg + "rect", new XAttribute("class", "plot"), Box(PlotLeft, PlotTop, PlotRight - PlotLeft, PlotBottom - PlotTop)));

            if (result.WriteOutageStart is DateTimeOffset from && result.WriteOutageEnd is DateTimeOffset to && result.WriteDowntime is TimeSpan downtime)
            {
                svg.Add(new XElement(Svg + "rect", new XAttribute("class", "downtime"), Box(X(from), PlotTop, Math.Max(1, X(to) - X(from)), PlotBottom - PlotTop),
                    new XElement(Svg + "title", $"write downtime {FailoverReportDocument.Seconds(downtime)}")));
                svg.Add(Label("downtime-label", X(to) + 3, PlotBottom - 6, $"write downtime {FailoverReportDocument.Seconds(downtime)}"));
            }

            svg.Add(Axis());
            for (var i = 0; i < counts.Count; i++)
            {
                var (acknowledged, failed, unknown) = counts[i];
                var x = PlotLeft + i * barWidth;
                var group = new XElement(Svg + "g", new XAttribute("class", "bucket"),
                    new XAttribute("data-t", N((FirstBucket + i) * Bucket.TotalSeconds)));
                if (acknowledged > 0) group.Add(Bar("ack", x, Baseline - acknowledged * up, barWidth, acknowledged * up, acknowledged));
                if (failed > 0) group.Add(Bar("failed", x, Baseline, barWidth, failed * down, failed));
                if (unknown > 0) group.Add(Bar("unknown", x, Baseline + failed * down, barWidth, unknown * down, unknown));
                svg.Add(group);
            }

            svg.Add(new XElement(Svg + "line", new XAttribute("class", "baseline"), Line(PlotLeft, Baseline, PlotRight, Baseline)));
            var row = 0;
            foreach (var e in result.Events.Where(e => MarkLabels.ContainsKey(e.Kind)))
            {
                var x = X(e.Time);
                var labelY = PlotTop - 6 - (row++ % LabelRows) * LabelRowHeight;
                svg.Add(new XElement(Svg + "g", new XAttribute("class", "mark " + Css(e.Kind)), new XAttribute("data-kind", e.Kind.ToString()),
                    new XAttribute("data-t", N((e.Time - Origin).TotalSeconds)),
                    new XElement(Svg + "title", $"{FailoverReportDocument.Relative(e.Time - Origin)} {scrub(e.Node)}: {scrub(e.Message)}"),
                    new XElement(Svg + "line", Line(x, labelY + 2, x, PlotBottom)),
                    Label(null, x + 2, labelY, MarkLabels[e.Kind])));
            }

            return svg;
        }

        private IEnumerable<XElement> Axis()
        {
            var span = (End - Start).TotalSeconds;
            var step = new[] { 1, 2, 5, 10, 15, 30, 60, 120, 300 }.First(s => span / s <= 16 || s == 300);
            for (var t = Math.Ceiling(Start.TotalSeconds / step) * step; t <= End.TotalSeconds; t += step)
            {
                var x = X(TimeSpan.FromSeconds(t));
                yield return new XElement(Svg + "g", new XAttribute("class", t == 0 ? "tick zero" : "tick"),
                    new XElement(Svg + "line", Line(x, PlotTop, x, PlotBottom + 4)),
                    new XElement(Svg + "text", new XAttribute("x", N(x)), new XAttribute("y", N(PlotBottom + 16)), t == 0 ? "0" : $"{t:+0;-0} s"));
            }

            yield return new XElement(Svg + "text", new XAttribute("class", "legend"), new XAttribute("x", N(PlotLeft)), new XAttribute("y", N(Height - 2)),
                "seconds from the fault · green: acknowledged, red: failed, amber: unknown, per 100 ms · shaded: write downtime");
        }

        /// <summary>A text at (x, y), anchored at its end when it would run past the plot's right edge.</summary>
        private static XElement Label(string? css, double x, double y, string text)
        {
            var label = new XElement(Svg + "text", new XAttribute("x", N(x)), new XAttribute("y", N(y)), text);
            if (css is not null) label.Add(new XAttribute("class", css));
            if (x + text.Length * 5.5 > PlotRight)
            {
                label.SetAttributeValue("x", N(x - 4));
                label.Add(new XAttribute("text-anchor", "end"));
            }

            return label;
        }

        private static XElement Bar(string css, double x, double y, double width, double height, int count) =>
            new XElement(Svg + "rect", new XAttribute("class", css), Box(x, y, width, height), new XAttribute("data-count", count));

        private static XAttribute[] Box(double x, double y, double width, double height) => new[]
        {
            new XAttribute("x", N(x)), new XAttribute("y", N(y)), new XAttribute("width", N(width)), new XAttribute("height", N(height)),
        };

        private static XAttribute[] Line(double x1, double y1, double x2, double y2) => new[]
        {
            new XAttribute("x1", N(x1)), new XAttribute("y1", N(y1)), new XAttribute("x2", N(x2)), new XAttribute("y2", N(y2)),
        };

        private static string Css(FailoverEventKind kind) => kind.ToString().ToLowerInvariant();

        /// <summary>Coordinates with 2 decimals, invariant culture.</summary>
        public static string N(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
    }
}
