using System.Collections.Generic;

namespace HaPg.Inventory
{
    /// <summary>Where each key of an imported YAML file was, so validation errors can point at the line.</summary>
    public sealed class YamlSourceMap
    {
        private readonly Dictionary<string, int> lines = new Dictionary<string, int>();

        public YamlSourceMap(string source) => Source = source;

        public string Source { get; }

        internal void Add(string key, int line) => lines[key] = line;

        /// <summary>The line of <paramref name="key"/>, or of its nearest enclosing key present in the file.</summary>
        public int? LineOf(string key)
        {
            for (var k = key; k.Length > 0; k = Parent(k))
            {
                if (lines.TryGetValue(k, out var line))
                {
                    return line;
                }
            }

            return null;
        }

        /// <summary>"file line N, key 'k'", for appending to a message.</summary>
        public string Locate(string key) =>
            LineOf(key) is int line ? $"{Source} line {line}, key '{key}'" : $"{Source}, key '{key}'";

        private static string Parent(string key)
        {
            var cut = System.Math.Max(key.LastIndexOf('.'), key.LastIndexOf('['));
            return cut > 0 ? key.Substring(0, cut) : string.Empty;
        }
    }
}
