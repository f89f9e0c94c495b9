using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace HaPg.Tests.Architecture
{
    /// <summary>
    /// The engine's folders form layers: a folder uses only folders below it, and the components use each other only
    /// along <see cref="ComponentEdges"/>. The README's "Layout" section draws the same graph.
    /// </summary>
    public class FolderGraphTests
    {
        /// <summary>Bottom first. Components/* stands for every component folder.</summary>
        internal static readonly string[][] Layers =
        {
            new[] { "" },
            new[] { "Inventory" },
            new[] { "Remote" },
            new[] { "Steps" },
            new[] { "Execution" },
            new[] { "Components/Common" },
            new[] { "Components/*" },
            new[] { "Results" },
            new[] { "Failover" },
            new[] { "Failover/Report" },
            new[] { "Operations" },
        };

        /// <summary>Which component may use which; the rest of the components layer may not use each other.</summary>
        internal static readonly Dictionary<string, string[]> ComponentEdges = new Dictionary<string, string[]>
        {
            ["Components/Etcd"] = new[] { "Components/Tls" },
            ["Components/Patroni"] = new[] { "Components/Etcd", "Components/Postgres", "Components/Tls" },
            ["Components/Haproxy"] = new[] { "Components/Keepalived", "Components/Tls" },
            ["Components/Platform"] = new[] { "Components/Patroni" },

            // The virtual IP's write probe logs in as the application role, over TLS verified against the cluster CA.
            ["Components/Keepalived"] = new[] { "Components/Postgres", "Components/Tls" },
            ["Components/Cluster"] = new[]
            {
                "Components/Etcd", "Components/Haproxy", "Components/Keepalived", "Components/Patroni", "Components/Postgres", "Components/Platform",
                "Components/Tls",
            },
        };

        private readonly ITestOutputHelper output;

        public FolderGraphTests(ITestOutputHelper output) => this.output = output;

        private static int LayerOf(string folder)
        {
            for (var i = 0; i < Layers.Length; i++)
            {
                if (Layers[i].Contains(folder) || (Layers[i].Contains("Components/*") && folder.StartsWith("Components/", StringComparison.Ordinal)
                        && folder != "Components/Common"))
                {
                    return i;
                }
            }

            return -1;
        }

        internal static bool Allowed(string from, string to)
        {
            int f = LayerOf(from), t = LayerOf(to);
            if (f < 0 || t < 0)
            {
                return false;
            }

            if (f == t && Layers[f].Contains("Components/*"))
            {
                return ComponentEdges.TryGetValue(from, out var allowed) && allowed.Contains(to);
            }

            return t < f;
        }

        /// <summary>Compiled uses, plus each source file's `using HaPg.X;` (constants are inlined in IL and leave no other trace).</summary>
        private static Dictionary<(string From, string To), string> AllEdges()
        {
            var edges = EngineDependencies.Read().ToDictionary(e => e.Key, e => e.Value);
            var engine = Path.Combine(RepositoryRoot(), "src", "HaPg.Engine");
            foreach (var file in Directory.EnumerateFiles(engine, "*.cs", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")))
            {
                var text = File.ReadAllText(file);
                var ns = Regex.Match(text, @"^namespace HaPg(?:\.([\w.]+))?", RegexOptions.Multiline);
                if (!ns.Success)
                {
                    continue;
                }

                var from = EngineDependencies.Unit(ns.Groups[1].Value.Replace('.', '/'));
                foreach (Match used in Regex.Matches(text, @"^using HaPg(?:\.([\w.]+))?;", RegexOptions.Multiline))
                {
                    var to = EngineDependencies.Unit(used.Groups[1].Value.Replace('.', '/'));
                    if (to != from && !edges.ContainsKey((from, to)))
                    {
                        edges[(from, to)] = $"{Path.GetFileName(file)} has using HaPg{(to.Length > 0 ? "." + used.Groups[1].Value : string.Empty)}";
                    }
                }
            }

            return edges;
        }

        private static string RepositoryRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HaPgPs.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("HaPgPs.sln not found above " + AppContext.BaseDirectory);
        }

        [Fact]
        public void EveryFolderUsesOnlyWhatTheLayoutAllows()
        {
            var edges = AllEdges();
            foreach (var edge in edges.OrderBy(e => e.Key.From).ThenBy(e => e.Key.To))
            {
                output.WriteLine($"{(Allowed(edge.Key.From, edge.Key.To) ? "  " : "! ")}{edge.Key.From} -> {edge.Key.To}: {edge.Value}");
            }

            var forbidden = edges.Where(e => !Allowed(e.Key.From, e.Key.To)).Select(e => $"{e.Key.From} -> {e.Key.To} ({e.Value})").OrderBy(s => s).ToList();
            Assert.True(forbidden.Count == 0, "Dependencies the layout does not allow:\n" + string.Join("\n", forbidden));
        }

        [Fact]
        public void EveryEngineFolderHasALayer()
        {
            var folders = EngineDependencies.Engine.GetTypes().Select(EngineDependencies.FolderOf).Where(f => f is not null).Distinct();
            Assert.Empty(folders.Where(f => LayerOf(f!) < 0));
        }

        [Fact]
        public void TheReaderSeesABodyOnlyUse()
        {
            // ClusterReader calls VirtualIPProbe only inside a method body: the IL reader must see it.
            Assert.Contains(("Components/Cluster", "Components/Keepalived"), EngineDependencies.Read().Keys);
        }

        [Theory]
        [InlineData("Components/Patroni", "Components/Haproxy", false)]
        [InlineData("Components/Haproxy", "Components/Patroni", false)]
        [InlineData("Steps", "Components/Common", false)]
        [InlineData("Execution", "Results", false)]
        [InlineData("Results", "Failover", false)]
        [InlineData("Failover", "Results", true)]
        [InlineData("Operations", "Failover", true)]
        [InlineData("Components/Patroni", "Components/Etcd", true)]
        [InlineData("Components/Etcd", "Components/Patroni", false)]
        [InlineData("Components/Etcd", "Components/Tls", true)]
        [InlineData("Components/Tls", "Components/Etcd", false)]
        [InlineData("Components/Tls", "Components/Common", true)]
        public void TheRulesSayWhatTheReadmeSays(string from, string to, bool allowed) => Assert.Equal(allowed, Allowed(from, to));
    }
}
