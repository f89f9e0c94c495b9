using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;

namespace HaPg.Inventory
{
    /// <summary>
    /// Turns a node description (a hashtable, a PSCustomObject, a lab node, an HaPgNode) into an HaPgNode.
    /// Reads Name, Address, Port, User, KeyPath, Role or Roles, HostKeySha256 and Sudo; ignores other properties.
    /// </summary>
    public static class NodeInput
    {
        public static HaPgNode FromObject(object input, int index)
        {
            var node = new HaPgNode();
            var label = $"Node #{index + 1}";
            object? Get(string name)
            {
                var value = input is IDictionary table
                    ? table.Keys.Cast<object>().Where(k => string.Equals(k?.ToString(), name, StringComparison.OrdinalIgnoreCase)).Select(k => table[k]).FirstOrDefault()
                    : PSObject.AsPSObject(input).Properties[name]?.Value;
                return value is PSObject wrapped ? wrapped.BaseObject : value;
            }

            T Convert<T>(string name, object value)
            {
                try
                {
                    return LanguagePrimitives.ConvertTo<T>(value);
                }
                catch (PSInvalidCastException ex)
                {
                    throw new HaPgInventoryException(InventoryErrorIds.InvalidNodeInput,
                        $"{label} ('{ControlCharacters.Safe(Get("Name")?.ToString())}'): {name} '{ControlCharacters.Safe(value.ToString())}' cannot be used: {ControlCharacters.Safe(ex.Message)}", ErrorCategory.InvalidArgument, input, ex);
                }
            }

            string? Text(string name) => Get(name)?.ToString() is string text && text.Trim().Length > 0 ? text.Trim() : null;

            node.Name = Text("Name") ?? string.Empty;
            node.Address = Text("Address") ?? string.Empty;
            node.Port = Get("Port") is object port ? Convert<int>("Port", port) : node.Port;
            node.User = Text("User") ?? node.User;
            node.KeyPath = Text("KeyPath");
            node.Roles = (Get("Role") ?? Get("Roles")) is object roles ? Combine(Convert<HaPgRole[]>("Role", roles)) : HaPgRole.None;
            node.HostKeySha256 = Text("HostKeySha256");
            node.Sudo = Get("Sudo") is object sudo ? Convert<SudoMode>("Sudo", sudo) : (SudoMode?)null;
            return node;
        }

        /// <summary>A node from New-HaPgInventory's own parameters (-Name, -Address, ...): blank strings mean the default.</summary>
        public static HaPgNode FromParameters(string? name, string? address, int? port, string? user, string? keyPath, HaPgRole[]? roles,
            string? hostKeySha256, SudoMode? sudo)
        {
            var node = new HaPgNode
            {
                Name = name ?? string.Empty,
                Address = address ?? string.Empty,
                KeyPath = string.IsNullOrWhiteSpace(keyPath) ? null : keyPath,
                Roles = Combine(roles),
                HostKeySha256 = string.IsNullOrWhiteSpace(hostKeySha256) ? null : hostKeySha256,
                Sudo = sudo,
            };
            node.Port = port ?? node.Port;
            node.User = string.IsNullOrWhiteSpace(user) ? node.User : user!;
            return node;
        }

        public static HaPgRole Combine(HaPgRole[]? roles) => (roles ?? Array.Empty<HaPgRole>()).Aggregate(HaPgRole.None, (all, r) => all | r);
    }
}
