using System.Collections;
using System.Collections.Generic;
using System.Globalization;

namespace HaPg.Components.Common
{
    /// <summary>
    /// An insertion-ordered string-keyed map: the mapping node of <see cref="DataTree"/> documents, used both to
    /// build configs (render order = insertion order) and to read parsed JSON/YAML.
    /// </summary>
    public sealed class DataMap : IReadOnlyDictionary<string, object?>
    {
        private readonly List<string> keys = new List<string>();
        private readonly Dictionary<string, object?> values = new Dictionary<string, object?>(System.StringComparer.Ordinal);

        public int Count => keys.Count;
        public IEnumerable<string> Keys => keys;
        public IEnumerable<object?> Values => keys.ConvertAll(k => values[k]);
        public object? this[string key] => values[key];

        /// <summary>Adds or replaces a key; a replaced key keeps its position.</summary>
        public void Add(string key, object? value)
        {
            if (!values.ContainsKey(key))
            {
                keys.Add(key);
            }

            values[key] = value;
        }

        public bool ContainsKey(string key) => values.ContainsKey(key);

        public bool TryGetValue(string key, out object? value) => values.TryGetValue(key, out value);

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            foreach (var key in keys)
            {
                yield return new KeyValuePair<string, object?>(key, values[key]);
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public object? Get(string key) => values.TryGetValue(key, out var value) ? value : null;

        public DataMap? Map(string key) => Get(key) as DataMap;

        public IReadOnlyList<object?> List(string key) => Get(key) as IReadOnlyList<object?> ?? new List<object?>();

        /// <summary>A scalar as text (numbers in invariant form, booleans as true/false); null when absent.</summary>
        public string? String(string key) => DataTree.ScalarText(Get(key));

        public long? Long(string key) => Get(key) switch
        {
            decimal d when d == decimal.Truncate(d) && d >= long.MinValue && d <= long.MaxValue => (long)d,
            string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
            _ => null,
        };

        public bool? Bool(string key) => Get(key) switch
        {
            bool b => b,
            string s when bool.TryParse(s, out var b) => b,
            _ => null,
        };

        /// <summary>Follows a dotted path ("a.b.c") through nested maps.</summary>
        public object? Path(string dottedPath)
        {
            object? node = this;
            foreach (var part in dottedPath.Split('.'))
            {
                if (node is not DataMap map || !map.TryGetValue(part, out node))
                {
                    return null;
                }
            }

            return node;
        }
    }
}
