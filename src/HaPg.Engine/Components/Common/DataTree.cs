using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace HaPg.Components.Common
{
    /// <summary>
    /// Reads and writes small JSON/YAML documents as trees of <see cref="DataMap"/>, lists and scalars
    /// (string, decimal, bool, null). JSON is read with YamlDotNet: the JSON that etcdctl, Patroni and HAProxy print
    /// is valid YAML 1.2, and netstandard2.0 has no System.Text.Json.
    /// </summary>
    public static class DataTree
    {
        /// <summary>Parses a JSON or YAML document; an empty document gives null.</summary>
        public static object? Parse(string text)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
            }
            catch (YamlException ex)
            {
                throw new FormatException("Not a valid JSON/YAML document: " + ex.Message, ex);
            }

            return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
        }

        /// <summary>Parses a document whose root must be a map.</summary>
        public static DataMap ParseMap(string text) =>
            Parse(text) as DataMap ?? throw new FormatException("The document's root is not a mapping/object.");

        /// <summary>Parses a document whose root must be a list (an empty document is an empty list).</summary>
        public static IReadOnlyList<object?> ParseList(string text) =>
            Parse(text) switch
            {
                null => new List<object?>(),
                IReadOnlyList<object?> list => list,
                _ => throw new FormatException("The document's root is not a sequence/array."),
            };

        /// <summary>A scalar as text: numbers invariant, booleans true/false. Null for maps, lists and null.</summary>
        public static string? ScalarText(object? value) => value switch
        {
            string s => s,
            bool b => b ? "true" : "false",
            decimal d => d.ToString(CultureInfo.InvariantCulture),
            int i => i.ToString(CultureInfo.InvariantCulture),
            long l => l.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };

        /// <summary>Compact JSON for a tree (maps, lists, strings, numbers, bools, null).</summary>
        public static string ToJson(object? node)
        {
            var sb = new StringBuilder();
            WriteJson(sb, node);
            return sb.ToString();
        }

        /// <summary>
        /// Block-style YAML for a tree. Strings are always double-quoted so that PyYAML (YAML 1.1) never reads
        /// "on", "off" or a password as anything but a string.
        /// </summary>
        public static string ToYaml(object? node)
        {
            var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
            var emitter = new Emitter(writer, 2, int.MaxValue);
            emitter.Emit(new StreamStart());
            emitter.Emit(new DocumentStart(null, null, true));
            Emit(emitter, node);
            emitter.Emit(new DocumentEnd(true));
            emitter.Emit(new StreamEnd());
            return writer.ToString();
        }

        private static void Emit(IEmitter emitter, object? node)
        {
            switch (node)
            {
                case IEnumerable<KeyValuePair<string, object?>> map:
                    emitter.Emit(new MappingStart(null, null, true, MappingStyle.Block));
                    foreach (var pair in map)
                    {
                        emitter.Emit(new Scalar(pair.Key));
                        Emit(emitter, pair.Value);
                    }

                    emitter.Emit(new MappingEnd());
                    break;
                case string s:
                    emitter.Emit(new Scalar(null, null, s, ScalarStyle.DoubleQuoted, false, true));
                    break;
                case null:
                    emitter.Emit(new Scalar("null"));
                    break;
                case System.Collections.IEnumerable list:
                    emitter.Emit(new SequenceStart(null, null, true, SequenceStyle.Block));
                    foreach (var item in list)
                    {
                        Emit(emitter, item);
                    }

                    emitter.Emit(new SequenceEnd());
                    break;
                default:
                    emitter.Emit(new Scalar(ScalarText(node) ?? node.ToString()));
                    break;
            }
        }

        private static object? Convert(YamlNode node)
        {
            switch (node)
            {
                case YamlMappingNode mapping:
                    var map = new DataMap();
                    foreach (var pair in mapping.Children)
                    {
                        map.Add(((YamlScalarNode)pair.Key).Value ?? string.Empty, Convert(pair.Value));
                    }

                    return map;
                case YamlSequenceNode sequence:
                    var list = new List<object?>();
                    foreach (var child in sequence.Children)
                    {
                        list.Add(Convert(child));
                    }

                    return list;
                case YamlScalarNode scalar:
                    return scalar.Style == ScalarStyle.Plain ? PlainScalar(scalar.Value ?? string.Empty) : scalar.Value;
                default:
                    return null;
            }
        }

        private static object? PlainScalar(string text)
        {
            switch (text)
            {
                case "":
                case "~":
                case "null":
                case "Null":
                case "NULL":
                    return null;
                case "true":
                case "True":
                case "TRUE":
                    return true;
                case "false":
                case "False":
                case "FALSE":
                    return false;
            }

            return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                   && (char.IsDigit(text[0]) || text[0] == '-' || text[0] == '+')
                ? number
                : text;
        }

        private static void WriteJson(StringBuilder sb, object? node)
        {
            switch (node)
            {
                case null:
                    sb.Append("null");
                    break;
                case string s:
                    WriteJsonString(sb, s);
                    break;
                case bool b:
                    sb.Append(b ? "true" : "false");
                    break;
                case IEnumerable<KeyValuePair<string, object?>> map:
                    sb.Append('{');
                    var first = true;
                    foreach (var pair in map)
                    {
                        if (!first)
                        {
                            sb.Append(',');
                        }

                        first = false;
                        WriteJsonString(sb, pair.Key);
                        sb.Append(':');
                        WriteJson(sb, pair.Value);
                    }

                    sb.Append('}');
                    break;
                case System.Collections.IEnumerable list:
                    sb.Append('[');
                    var firstItem = true;
                    foreach (var item in list)
                    {
                        if (!firstItem)
                        {
                            sb.Append(',');
                        }

                        firstItem = false;
                        WriteJson(sb, item);
                    }

                    sb.Append(']');
                    break;
                default:
                    sb.Append(ScalarText(node) ?? throw new ArgumentException("Unsupported JSON value " + node.GetType()));
                    break;
            }
        }

        private static void WriteJsonString(StringBuilder sb, string s)
        {
            sb.Append('"');
            foreach (var c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 0x20)
                        {
                            sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            sb.Append(c);
                        }

                        break;
                }
            }

            sb.Append('"');
        }
    }
}
