using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace HaPg.Inventory
{
    /// <summary>
    /// The inventory as YAML: camelCase keys in a fixed order, roles as a list of names. Secrets never go in
    /// it; they have a file of their own. Reading names the line and key of any unknown key or bad value.
    /// </summary>
    public static class InventoryYaml
    {
        public const int SchemaVersion = 1;

        public static void Write(HaPgInventory inventory, TextWriter writer)
        {
            writer.WriteLine("# HaPg inventory. Passwords are never stored here (see about_HaPg, SECRETS).");
            var yaml = new YamlWriter(writer);
            yaml.BeginMapping();
            yaml.Pair("schemaVersion", SchemaVersion.ToString(CultureInfo.InvariantCulture));
            yaml.Pair("clusterName", inventory.ClusterName);
            yaml.Pair("namespace", inventory.Namespace);
            yaml.Pair("postgresVersion", inventory.PostgresVersion?.ToString(CultureInfo.InvariantCulture));
            yaml.Pair("sudo", inventory.Sudo?.ToString());
            yaml.Pair("knownHostsPath", inventory.KnownHostsPath);
            yaml.Key("clientNetworks");
            yaml.FlowList(inventory.ClientNetworks);
            yaml.Pair("virtualIP", inventory.VirtualIP);
            yaml.Key("ports");
            yaml.BeginMapping();
            foreach (var port in HaPgPorts.Catalogue)
            {
                yaml.Pair(port.Key, port.Get(inventory.Ports).ToString(CultureInfo.InvariantCulture));
            }

            yaml.EndMapping();
            yaml.Key("nodes");
            yaml.BeginList();
            foreach (var node in inventory.Nodes)
            {
                yaml.BeginMapping();
                yaml.Pair("name", node.Name);
                yaml.Pair("address", node.Address);
                yaml.Pair("port", node.Port.ToString(CultureInfo.InvariantCulture));
                yaml.Pair("user", node.User);
                yaml.Pair("keyPath", node.KeyPath);
                yaml.Key("roles");
                yaml.FlowList(RoleNames(node.Roles));
                yaml.Pair("hostKeySha256", node.HostKeySha256);
                yaml.Pair("sudo", node.Sudo?.ToString());
                yaml.EndMapping();
            }

            yaml.EndList();
            yaml.EndMapping();
            yaml.End();
        }

        public static HaPgInventory Read(TextReader reader, string source, out YamlSourceMap map)
        {
            var inventory = new HaPgInventory();
            var context = new ReadContext(source);
            map = context.Map;
            var root = context.Load(reader);
            context.ReadMapping(root, string.Empty, null, new Dictionary<string, Action<YamlNode, string>>
            {
                ["schemaVersion"] = (v, k) => context.Schema(v, k),
                ["clusterName"] = (v, k) => inventory.ClusterName = context.Text(v, k) ?? string.Empty,
                ["namespace"] = (v, k) => inventory.Namespace = context.Text(v, k) ?? HaPgInventory.DefaultNamespace,
                ["postgresVersion"] = (v, k) => inventory.PostgresVersion = context.Int(v, k),
                ["sudo"] = (v, k) => inventory.Sudo = context.Enum<SudoMode>(v, k),
                ["knownHostsPath"] = (v, k) => inventory.KnownHostsPath = context.Text(v, k),
                ["clientNetworks"] = (v, k) => inventory.ClientNetworks = context.List(v, k).Select((item, i) => context.Text(item, $"{k}[{i}]") ?? string.Empty).ToList(),
                ["virtualIP"] = (v, k) => inventory.VirtualIP = context.Text(v, k),
                ["ports"] = (v, k) => context.ReadMapping(v, k, null, HaPgPorts.Catalogue.ToDictionary(
                    p => p.Key,
                    p => (Action<YamlNode, string>)((pv, pk) => p.Set(inventory.Ports, context.Int(pv, pk) ?? p.Get(new HaPgPorts()))))),
                ["nodes"] = (v, k) => inventory.Nodes = context.List(v, k).Select((item, i) => ReadNode(context, item, $"{k}[{i}]")).ToList(),
            });
            return inventory;
        }

        /// <summary>
        /// The secrets file: the cluster name (to catch a mix-up), each password that is set, then the CA's certificate
        /// and private key, when set, as literal block scalars (caCertificate: |).
        /// </summary>
        public static void WriteSecrets(HaPgInventory inventory, TextWriter writer)
        {
            writer.WriteLine($"# HaPg secrets of cluster {inventory.ClusterName}. Keep this file private (mode 0600).");
            var yaml = new YamlWriter(writer);
            yaml.BeginMapping();
            yaml.Pair("clusterName", inventory.ClusterName);
            foreach (var field in HaPgSecrets.Fields)
            {
                yaml.Pair(field.Key, field.Get(inventory.Secrets)?.ToPlainText());
            }

            yaml.Pair(HaPgSecrets.CaCertificateKey, inventory.Secrets.CaCertificatePem, ScalarStyle.Literal);
            foreach (var field in HaPgSecrets.KeyFields)
            {
                yaml.Pair(field.Key, field.Get(inventory.Secrets)?.ToPlainText(), ScalarStyle.Literal);
            }

            yaml.EndMapping();
            yaml.End();
        }

        /// <summary>Reads a secrets file into <paramref name="inventory"/>'s Secrets; a file without the CA (or some password) leaves those unset.</summary>
        public static void ReadSecrets(TextReader reader, string source, HaPgInventory inventory)
        {
            var context = new ReadContext(source);
            var root = context.Load(reader);
            var handlers = HaPgSecrets.AllFields.ToDictionary(
                f => f.Key,
                f => (Action<YamlNode, string>)((v, k) =>
                {
                    if (context.Text(v, k) is string secret)
                    {
                        f.Set(inventory.Secrets, secret.ToSecureString());
                    }
                }));
            handlers[HaPgSecrets.CaCertificateKey] = (v, k) => inventory.Secrets.CaCertificatePem = context.Text(v, k);
            handlers["clusterName"] = (v, k) =>
            {
                var cluster = context.Text(v, k);
                if (!string.Equals(cluster, inventory.ClusterName, StringComparison.Ordinal))
                {
                    throw new HaPgInventoryException(InventoryErrorIds.SecretsMismatch,
                        $"{context.Map.Locate(k)}: the secrets file belongs to cluster '{ControlCharacters.Safe(cluster)}', not '{inventory.ClusterName}'.",
                        ErrorCategory.InvalidData, source);
                }
            };
            context.ReadMapping(root, string.Empty, null, handlers);
        }

        private static HaPgNode ReadNode(ReadContext context, YamlNode value, string key)
        {
            var node = new HaPgNode();
            var label = (value as YamlMappingNode)?.Children
                .FirstOrDefault(c => string.Equals((c.Key as YamlScalarNode)?.Value, "name", StringComparison.OrdinalIgnoreCase)).Value is YamlScalarNode name
                ? $" (node '{ControlCharacters.Safe(name.Value)}')" : string.Empty;
            context.ReadMapping(value, key, label, new Dictionary<string, Action<YamlNode, string>>
            {
                ["name"] = (v, k) => node.Name = context.Text(v, k) ?? string.Empty,
                ["address"] = (v, k) => node.Address = context.Text(v, k) ?? string.Empty,
                ["port"] = (v, k) => node.Port = context.Int(v, k) ?? node.Port,
                ["user"] = (v, k) => node.User = context.Text(v, k) ?? node.User,
                ["keyPath"] = (v, k) => node.KeyPath = context.Text(v, k),
                ["roles"] = (v, k) => node.Roles = RolesOf(context, v, k),
                ["hostKeySha256"] = (v, k) => node.HostKeySha256 = context.Text(v, k),
                ["sudo"] = (v, k) => node.Sudo = context.Enum<SudoMode>(v, k),
            });
            return node;
        }

        private static HaPgRole RolesOf(ReadContext context, YamlNode value, string key)
        {
            var items = value is YamlScalarNode ? new[] { value } : context.List(value, key).ToArray();
            return items.Select((item, i) => context.Enum<HaPgRole>(item, value is YamlScalarNode ? key : $"{key}[{i}]") ?? HaPgRole.None)
                .Aggregate(HaPgRole.None, (all, role) => all | role);
        }

        private static IEnumerable<string> RoleNames(HaPgRole roles) =>
            new[] { HaPgRole.Postgres, HaPgRole.Etcd, HaPgRole.Haproxy }.Where(r => (roles & r) == r).Select(r => r.ToString());

        private sealed class ReadContext
        {
            private static readonly HashSet<string> NullScalars = new HashSet<string>(StringComparer.Ordinal) { "", "~", "null", "Null", "NULL" };

            internal ReadContext(string source) => Map = new YamlSourceMap(source);

            internal YamlSourceMap Map { get; }

            internal YamlNode Load(TextReader reader)
            {
                var stream = new YamlStream();
                try
                {
                    stream.Load(reader);
                }
                catch (YamlException ex)
                {
                    throw new HaPgInventoryException(InventoryErrorIds.YamlSyntax,
                        $"{Map.Source} line {ex.Start.Line}, column {ex.Start.Column}: {Innermost(ex).Message}", ErrorCategory.ParserError, Map.Source, ex);
                }

                if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
                {
                    throw new HaPgInventoryException(InventoryErrorIds.YamlSyntax,
                        $"{Map.Source} line 1: expected one YAML document holding a mapping of keys, such as 'clusterName: pg'.", ErrorCategory.ParserError, Map.Source);
                }

                return root;
            }

            internal void ReadMapping(YamlNode value, string key, string? label, IDictionary<string, Action<YamlNode, string>> handlers)
            {
                var where = key.Length == 0 ? "at the top level" : $"in {key}{label}";
                if (value is not YamlMappingNode mapping)
                {
                    throw Invalid(value, key, $"expected a mapping of keys ({string.Join(", ", handlers.Keys)})");
                }

                Map.Add(key, (int)mapping.Start.Line);
                foreach (var entry in mapping.Children)
                {
                    var name = (entry.Key as YamlScalarNode)?.Value ?? string.Empty;
                    var handler = handlers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
                    if (handler.Value is null)
                    {
                        throw new HaPgInventoryException(InventoryErrorIds.YamlUnknownKey,
                            $"{Map.Source} line {entry.Key.Start.Line}: unknown key '{ControlCharacters.Safe(name)}' {where}. Known keys: {string.Join(", ", handlers.Keys)}.",
                            ErrorCategory.InvalidData, name);
                    }

                    var path = key.Length == 0 ? handler.Key : $"{key}.{handler.Key}";
                    Map.Add(path, (int)entry.Key.Start.Line);
                    handler.Value(entry.Value, path);
                }
            }

            internal void Schema(YamlNode value, string key)
            {
                if (Int(value, key) != SchemaVersion)
                {
                    throw Invalid(value, key, $"this HaPg reads schema version {SchemaVersion}");
                }
            }

            internal string? Text(YamlNode value, string key)
            {
                if (value is not YamlScalarNode scalar)
                {
                    throw Invalid(value, key, "expected a single value, not a list or mapping");
                }

                Map.Add(key, (int)scalar.Start.Line);
                return scalar.Style == ScalarStyle.Plain && NullScalars.Contains(scalar.Value ?? string.Empty) ? null : scalar.Value;
            }

            internal int? Int(YamlNode value, string key)
            {
                var text = Text(value, key);
                if (text is null)
                {
                    return null;
                }

                return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                    ? number : throw Invalid(value, key, $"'{text}' is not a whole number");
            }

            internal T? Enum<T>(YamlNode value, string key)
                where T : struct
            {
                var text = Text(value, key);
                if (text is null)
                {
                    return null;
                }

                var names = System.Enum.GetNames(typeof(T)).Where(n => n != "None" || typeof(T) == typeof(SudoMode)).ToArray();
                var match = names.FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
                return match is null
                    ? throw Invalid(value, key, $"'{text}' is not one of {string.Join(", ", names)}")
                    : (T)System.Enum.Parse(typeof(T), match);
            }

            internal IEnumerable<YamlNode> List(YamlNode value, string key)
            {
                if (value is YamlScalarNode scalar && Text(scalar, key) is null)
                {
                    return Enumerable.Empty<YamlNode>();
                }

                return value is YamlSequenceNode sequence ? sequence.Children : throw Invalid(value, key, "expected a list");
            }

            private HaPgInventoryException Invalid(YamlNode value, string key, string reason) =>
                new HaPgInventoryException(InventoryErrorIds.YamlInvalidValue,
                    $"{Map.Source} line {value.Start.Line}, key '{key}': {ControlCharacters.Safe(reason)}.", ErrorCategory.InvalidData, key);

            private static Exception Innermost(Exception ex) => ex.InnerException is null ? ex : Innermost(ex.InnerException);
        }

        private sealed class YamlWriter
        {
            private readonly IEmitter emitter;

            internal YamlWriter(TextWriter writer)
            {
                emitter = new Emitter(writer);
                emitter.Emit(new StreamStart());
                emitter.Emit(new DocumentStart());
            }

            internal void BeginMapping() => emitter.Emit(new MappingStart(null, null, true, MappingStyle.Block));
            internal void EndMapping() => emitter.Emit(new MappingEnd());
            internal void BeginList() => emitter.Emit(new SequenceStart(null, null, true, SequenceStyle.Block));
            internal void EndList() => emitter.Emit(new SequenceEnd());
            internal void Key(string key) => emitter.Emit(new Scalar(key));

            /// <summary>A key and its value; omitted when the value is null.</summary>
            internal void Pair(string key, string? value, ScalarStyle style = ScalarStyle.Any)
            {
                if (value is not null)
                {
                    Key(key);
                    emitter.Emit(new Scalar(null, null, value, value.Length == 0 ? ScalarStyle.SingleQuoted : style, true, true));
                }
            }

            internal void FlowList(IEnumerable<string> items)
            {
                emitter.Emit(new SequenceStart(null, null, true, SequenceStyle.Flow));
                foreach (var item in items)
                {
                    emitter.Emit(new Scalar(item));
                }

                emitter.Emit(new SequenceEnd());
            }

            internal void End()
            {
                emitter.Emit(new DocumentEnd(true));
                emitter.Emit(new StreamEnd());
            }
        }
    }
}
