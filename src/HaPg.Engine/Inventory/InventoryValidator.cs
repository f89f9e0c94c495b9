using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;

namespace HaPg.Inventory
{
    /// <summary>
    /// Checks an inventory before any host is touched. Pure: it reads the inventory and, through the
    /// given delegate, whether key files exist. Returns every finding, errors and warnings, in a stable order.
    /// </summary>
    public static class InventoryValidator
    {
        public const int MinPostgresVersion = 12;
        public const int MaxPostgresVersion = 99;

        // \A...\z, never ^...$: in .NET '$' also matches before a final newline.
        private static readonly Regex ClusterNamePattern = new Regex(@"\A[A-Za-z][A-Za-z0-9_-]{0,62}\z", RegexOptions.CultureInvariant);
        private static readonly Regex NamespacePattern = new Regex(@"\A(/[A-Za-z0-9_-]+)+/?\z", RegexOptions.CultureInvariant);
        private static readonly Regex UserPattern = new Regex(@"\A[A-Za-z_][A-Za-z0-9._-]{0,31}\z", RegexOptions.CultureInvariant);
        private static readonly Regex Base64Pattern = new Regex(@"\A[A-Za-z0-9+/]{43}=?\z", RegexOptions.CultureInvariant);

        /// <summary>
        /// Every finding. A control character in any string field is reported alone (one HaPg.Inventory.ControlCharacter error
        /// per field): the other checks' messages would quote the raw value.
        /// </summary>
        /// <summary>
        /// The checks of the cluster's shape (roles, and how many nodes have each), which New-HaPgInventory and Import-HaPgInventory
        /// apply, and each installing cmdlet checks for its own component; not re-applied to an inventory a cmdlet is given, so
        /// that Test-HaPgConnection, say, still works on part of one.
        /// </summary>
        public static bool IsShapeCheck(string id) => id == InventoryErrorIds.RolesRequired || id == InventoryErrorIds.NodeWithoutRole
            || id == InventoryErrorIds.TooFewPostgresNodes || id == InventoryErrorIds.NoEtcdMember || id == InventoryErrorIds.NoHaproxyNode
            || id == InventoryErrorIds.LayoutNotApplicable || id == InventoryErrorIds.VirtualIPRequired;

        public static IReadOnlyList<ValidationIssue> Validate(HaPgInventory inventory, Func<string, bool> fileExists)
        {
            var control = CheckControlCharacters(inventory);
            return control.Count > 0 ? control : ValidateValues(inventory, fileExists);
        }

        /// <summary>One HaPg.Inventory.ControlCharacter error per string field that holds a control character, the value shown escaped.</summary>
        public static IReadOnlyList<ValidationIssue> CheckControlCharacters(HaPgInventory inventory)
        {
            var issues = new List<ValidationIssue>();
            void Check(string? value, string what, string key, object? target, string? who = null)
            {
                if (ControlCharacters.In(value))
                {
                    var first = value!.First(char.IsControl);
                    issues.Add(Error(InventoryErrorIds.ControlCharacter,
                        $"{(who is null ? string.Empty : who + ": ")}{what} {ControlCharacters.Quote(value)} holds a control character " +
                        $"(U+{(int)first:X4}); newlines, tabs, NUL and the like cannot be in it. Remove it (a stray newline from a file or a paste).",
                        target, key));
                }
            }

            Check(inventory.ClusterName, "cluster name", "clusterName", inventory);
            Check(inventory.Namespace, "namespace", "namespace", inventory);
            Check(inventory.KnownHostsPath, "known_hosts path", "knownHostsPath", inventory);
            Check(inventory.VirtualIP, "virtual IP", "virtualIP", inventory);
            for (var i = 0; i < inventory.ClientNetworks.Count; i++)
            {
                Check(inventory.ClientNetworks[i], "client network", $"clientNetworks[{i}]", inventory);
            }

            for (var i = 0; i < inventory.Nodes.Count; i++)
            {
                var node = inventory.Nodes[i];
                var who = Describe(inventory, node);
                var key = $"nodes[{i}]";
                Check(node.Name, "name", key + ".name", node, who);
                Check(node.Address, "address", key + ".address", node, who);
                Check(node.User, "SSH user", key + ".user", node, who);
                Check(node.KeyPath, "SSH key path", key + ".keyPath", node, who);
                Check(node.HostKeySha256, "host key", key + ".hostKeySha256", node, who);
            }

            return issues;
        }

        /// <summary>The checks of values, without the control-character check that <see cref="Validate"/> puts first.</summary>
        internal static IReadOnlyList<ValidationIssue> ValidateValues(HaPgInventory inventory, Func<string, bool> fileExists)
        {
            var issues = new List<ValidationIssue>();
            CheckCluster(inventory, issues);
            CheckNodes(inventory, fileExists, issues);
            CheckLayout(inventory, issues);
            CheckPorts(inventory, issues);
            CheckVirtualIP(inventory, issues);
            return issues;
        }

        /// <summary>
        /// How messages name a node: by name, or by position and address when it has none or its name holds a control
        /// character (then escaped, never raw).
        /// </summary>
        public static string Describe(HaPgInventory inventory, HaPgNode node)
        {
            if (!string.IsNullOrEmpty(node.Name) && !ControlCharacters.In(node.Name))
            {
                return $"Node '{node.Name}'";
            }

            return $"Node #{inventory.Nodes.IndexOf(node) + 1} (address '{ControlCharacters.Safe(node.Address)}')";
        }

        private static void CheckCluster(HaPgInventory inventory, List<ValidationIssue> issues)
        {
            if (inventory.ClusterName is null || !ClusterNamePattern.IsMatch(inventory.ClusterName))
            {
                issues.Add(Error(InventoryErrorIds.InvalidClusterName,
                    $"Cluster name '{inventory.ClusterName}' is not valid: it becomes the Patroni scope and part of etcd keys and file names, " +
                    "so use 1 to 63 letters, digits, '-' or '_', starting with a letter.", inventory.ClusterName, "clusterName"));
            }

            if (inventory.Namespace is null || !NamespacePattern.IsMatch(inventory.Namespace))
            {
                issues.Add(Error(InventoryErrorIds.InvalidNamespace,
                    $"Namespace '{inventory.Namespace}' is not valid: use an etcd key prefix such as '/service/' (segments of letters, digits, '-' or '_').",
                    inventory.Namespace, "namespace"));
            }

            if (inventory.PostgresVersion is int version && (version < MinPostgresVersion || version > MaxPostgresVersion))
            {
                issues.Add(Error(InventoryErrorIds.InvalidPostgresVersion,
                    $"PostgreSQL major version {version} is not supported: use {MinPostgresVersion} or later (for example 15 or 16), or leave it empty for the distribution's default.",
                    version, "postgresVersion"));
            }

            for (var i = 0; i < inventory.ClientNetworks.Count; i++)
            {
                var network = inventory.ClientNetworks[i];
                var key = $"clientNetworks[{i}]";
                if (!NetworkSyntax.TryParseCidr(network, out _, out var prefix, out var reason))
                {
                    issues.Add(Error(InventoryErrorIds.InvalidClientNetwork, $"Client network '{network}' is not a valid CIDR network: {reason}.", network, key));
                }
                else if (prefix == 0)
                {
                    issues.Add(Error(InventoryErrorIds.ClientNetworkTooBroad,
                        $"Client network '{network}' opens PostgreSQL and HAProxy to every address; list the networks your clients are in.", network, key));
                }
            }
        }

        private static void CheckNodes(HaPgInventory inventory, Func<string, bool> fileExists, List<ValidationIssue> issues)
        {
            if (inventory.Nodes.Count == 0)
            {
                issues.Add(Error(InventoryErrorIds.NoNodes, $"Inventory '{inventory.ClusterName}' has no nodes.", inventory.ClusterName, "nodes"));
                return;
            }

            var names = new Dictionary<string, HaPgNode>(StringComparer.OrdinalIgnoreCase);
            var addresses = new Dictionary<string, HaPgNode>(StringComparer.Ordinal);
            for (var i = 0; i < inventory.Nodes.Count; i++)
            {
                var node = inventory.Nodes[i];
                var who = Describe(inventory, node);
                var key = $"nodes[{i}]";
                if (!NameRules.IsPlain(node.Name))
                {
                    issues.Add(Error(InventoryErrorIds.InvalidNodeName,
                        $"{who}: name '{node.Name}' is not valid: use 1 to 63 letters, digits, '.', '-' or '_', starting with a letter or digit.", node, key + ".name"));
                }
                else if (names.TryGetValue(node.Name, out var first))
                {
                    issues.Add(Error(InventoryErrorIds.DuplicateNodeName,
                        $"{who}: the name is already used by node '{first.Name}' ({first.Address}); node names must be unique, they are the etcd and Patroni member names.", node, key + ".name"));
                }
                else
                {
                    names.Add(node.Name, node);
                }

                if (!NetworkSyntax.IsValidAddress(node.Address))
                {
                    issues.Add(Error(InventoryErrorIds.InvalidAddress,
                        $"{who}: address '{node.Address}' is not a valid host name or IP address.", node, key + ".address"));
                }
                else
                {
                    var normalized = NetworkSyntax.Normalize(node.Address);
                    if (addresses.TryGetValue(normalized, out var other))
                    {
                        issues.Add(Error(InventoryErrorIds.DuplicateAddress,
                            $"{who}: address '{node.Address}' is already used by node '{other.Name}'; each node needs its own address.", node, key + ".address"));
                    }
                    else
                    {
                        addresses.Add(normalized, node);
                    }

                    if (NetworkSyntax.IsLoopback(node.Address))
                    {
                        issues.Add(Warning(InventoryErrorIds.LoopbackAddress,
                            $"{who}: address '{node.Address}' is loopback; Patroni and etcd advertise it to the other nodes, which cannot reach it.", node, key + ".address"));
                    }
                }

                if (node.Port < 1 || node.Port > 65535)
                {
                    issues.Add(Error(InventoryErrorIds.InvalidPort, $"{who}: SSH port {node.Port} is not a TCP port (1-65535).", node, key + ".port"));
                }

                CheckAccess(inventory, node, who, key, fileExists, issues);
            }
        }

        private static void CheckAccess(HaPgInventory inventory, HaPgNode node, string who, string key, Func<string, bool> fileExists, List<ValidationIssue> issues)
        {
            if (node.User is null || !UserPattern.IsMatch(node.User))
            {
                issues.Add(Error(InventoryErrorIds.InvalidUser, $"{who}: SSH user '{node.User}' is not a valid user name.", node, key + ".user"));
            }

            if (node.HostKeySha256 is string hostKey && !IsSha256Fingerprint(hostKey))
            {
                issues.Add(Error(InventoryErrorIds.InvalidHostKey,
                    $"{who}: host key '{hostKey}' is not a SHA256 fingerprint (43 base64 characters, optionally prefixed 'SHA256:', as ssh-keygen -lf prints).",
                    node, key + ".hostKeySha256"));
            }

            if (!string.IsNullOrEmpty(node.KeyPath))
            {
                if (!fileExists(node.KeyPath!))
                {
                    issues.Add(new ValidationIssue(InventoryErrorIds.KeyFileNotFound, IssueSeverity.Error, $"{who}: SSH key file '{node.KeyPath}' does not exist.",
                        node, ErrorCategory.ObjectNotFound, key + ".keyPath"));
                }
            }
            else if (inventory.Credential is null)
            {
                issues.Add(Error(InventoryErrorIds.NoSshCredential,
                    $"{who}: no SSH key file and no -Credential; give the node a key path, or a credential with the SSH password.", node, key + ".keyPath"));
            }

            var sudo = inventory.SudoFor(node);
            if (sudo == SudoMode.None && node.User != "root")
            {
                issues.Add(Error(InventoryErrorIds.InvalidSudoMode,
                    $"{who}: sudo mode None needs the SSH user to be root, but it is '{node.User}'; use Passwordless or Password.", node, key + ".sudo"));
            }
            else if (sudo == SudoMode.Password && inventory.SudoPassword is null)
            {
                issues.Add(Error(InventoryErrorIds.SudoPasswordMissing,
                    $"{who}: sudo mode is Password but no -SudoPassword was given.", node, key + ".sudo"));
            }
        }

        private static void CheckLayout(HaPgInventory inventory, List<ValidationIssue> issues)
        {
            if (inventory.Nodes.Count == 0)
            {
                return;
            }

            var roleless = inventory.Nodes.Where(n => n.Roles == HaPgRole.None).ToList();
            if (roleless.Count == inventory.Nodes.Count)
            {
                issues.Add(Error(InventoryErrorIds.RolesRequired,
                    $"No node has a role, and {inventory.Nodes.Count} nodes have no default layout (3 nodes: all roles on each; 4: etcd on the Postgres nodes; 5: the classic layout); " +
                    "give each node -Role Postgres, Etcd and/or Haproxy.", inventory.ClusterName, "nodes"));
                return;
            }

            foreach (var node in roleless)
            {
                issues.Add(Error(InventoryErrorIds.NodeWithoutRole,
                    $"{Describe(inventory, node)} has no role; give it Postgres, Etcd and/or Haproxy, or remove it.", node, $"nodes[{inventory.Nodes.IndexOf(node)}].roles"));
            }

            var postgres = Names(inventory, HaPgRole.Postgres);
            if (postgres.Count < 2)
            {
                issues.Add(Error(InventoryErrorIds.TooFewPostgresNodes,
                    $"Inventory '{inventory.ClusterName}' has {postgres.Count} Postgres node(s) ({List(postgres)}); high availability needs at least 2.",
                    inventory.ClusterName, "nodes"));
            }

            var etcd = Names(inventory, HaPgRole.Etcd);
            if (etcd.Count == 0)
            {
                issues.Add(Error(InventoryErrorIds.NoEtcdMember, $"Inventory '{inventory.ClusterName}' has no Etcd node; Patroni needs an etcd member.",
                    inventory.ClusterName, "nodes"));
            }
            else if (etcd.Count == 1)
            {
                issues.Add(Warning(InventoryErrorIds.SingleEtcdMember,
                    $"etcd has a single member ({etcd[0]}): if it fails, Patroni loses its consensus store. Three members survive one failure.",
                    inventory.ClusterName, "nodes"));
            }
            else if (etcd.Count % 2 == 0)
            {
                issues.Add(Warning(InventoryErrorIds.EvenEtcdMembers,
                    $"etcd has an even number of members ({List(etcd)}): {etcd.Count} members tolerate no more failures than {etcd.Count - 1}. Use an odd number.",
                    inventory.ClusterName, "nodes"));
            }

            var shared = postgres.Intersect(etcd, StringComparer.OrdinalIgnoreCase).ToList();
            if (shared.Count > 0 && postgres.Count >= 2)
            {
                issues.Add(Warning(InventoryErrorIds.EtcdOnPostgresNodes,
                    $"etcd shares nodes with PostgreSQL ({List(shared)}): a node that freezes (a paused VM, a stalled host) while it leads both " +
                    "Patroni and etcd can, when it resumes, revoke the new leader's etcd lease and take the leader lock back, losing writes " +
                    "acknowledged meanwhile (seen in HaPg's lab on Debian 13; most likely etcd-io/etcd#15247). In production give etcd nodes of its own.",
                    inventory.ClusterName, "nodes"));
            }

            if (Names(inventory, HaPgRole.Haproxy).Count == 0)
            {
                issues.Add(Error(InventoryErrorIds.NoHaproxyNode, $"Inventory '{inventory.ClusterName}' has no Haproxy node; clients connect through HAProxy.",
                    inventory.ClusterName, "nodes"));
            }
        }

        /// <summary>
        /// The virtual IP must be a host address of the Haproxy nodes' own network (VRRP moves it within one link), used by no
        /// node; on a single Haproxy node it has nowhere to move, which is allowed but said.
        /// </summary>
        private static void CheckVirtualIP(HaPgInventory inventory, List<ValidationIssue> issues)
        {
            if (inventory.VirtualIP is null)
            {
                return;
            }

            if (!NetworkSyntax.TryParseHostInNetwork(inventory.VirtualIP, out var vip, out var prefix, out var reason))
            {
                issues.Add(Error(InventoryErrorIds.InvalidVirtualIP, $"Virtual IP '{inventory.VirtualIP}' is not valid: {reason}.", inventory.VirtualIP, "virtualIP"));
                return;
            }

            foreach (var node in inventory.Nodes.Where(n => NetworkSyntax.TryParseIp(n.Address, out var ip) && ip.Equals(vip)))
            {
                issues.Add(Error(InventoryErrorIds.VirtualIPInUse,
                    $"Virtual IP {vip} is node '{node.Name}''s own address; give the virtual IP a free address of the same network.", inventory.VirtualIP, "virtualIP"));
            }

            var proxies = inventory.NodesWithRole(HaPgRole.Haproxy).ToList();
            var outside = proxies.Where(n => NetworkSyntax.TryParseIp(n.Address, out var ip) && !NetworkSyntax.InNetwork(ip, vip, prefix))
                .Select(n => $"{n.Name} ({n.Address})").ToList();
            if (outside.Count > 0)
            {
                issues.Add(Error(InventoryErrorIds.VirtualIPOutsideNetwork,
                    $"Virtual IP {inventory.VirtualIP} is not in the network of Haproxy node(s) {string.Join(", ", outside)}: VRRP moves an address " +
                    "only between nodes of one network. Where nodes sit in different networks, use the provider's floating-address API instead.",
                    inventory.VirtualIP, "virtualIP"));
            }

            if (proxies.Count == 1)
            {
                issues.Add(Warning(InventoryErrorIds.VirtualIPOnOneNode,
                    $"Virtual IP {inventory.VirtualIP} has a single Haproxy node ({proxies[0].Name}) to sit on, so it cannot move when that node fails; " +
                    "give a second node the Haproxy role.", inventory.VirtualIP, "virtualIP"));
            }
        }

        private static void CheckPorts(HaPgInventory inventory, List<ValidationIssue> issues)
        {
            var ports = inventory.Ports ?? new HaPgPorts();
            foreach (var service in Services(ports, HaPgRole.Postgres | HaPgRole.Etcd | HaPgRole.Haproxy))
            {
                if (service.Port < 1 || service.Port > 65535)
                {
                    issues.Add(Error(InventoryErrorIds.InvalidPort, $"The {service.Name} port {service.Port} is not a TCP port (1-65535).", service.Port, "ports." + service.Key));
                }
            }

            for (var i = 0; i < inventory.Nodes.Count; i++)
            {
                var node = inventory.Nodes[i];
                var services = new List<(string Name, string Key, int Port)> { ("SSH", "port", node.Port) };
                services.AddRange(Services(ports, node.Roles));
                foreach (var clash in services.GroupBy(s => s.Port).Where(g => g.Count() > 1))
                {
                    var both = string.Join(" and ", clash.Select(s => s.Name));
                    issues.Add(Error(InventoryErrorIds.PortConflict,
                        $"{Describe(inventory, node)}: {both} would all listen on port {clash.Key}; give them different ports.",
                        node, clash.Any(s => s.Key == "port") ? $"nodes[{i}].port" : "ports." + clash.Last().Key));
                }
            }
        }

        private static IEnumerable<(string Name, string Key, int Port)> Services(HaPgPorts ports, HaPgRole roles) =>
            HaPgPorts.Catalogue.Where(p => (roles & p.Role) != 0).Select(p => (p.Service, p.Key, p.Get(ports)));

        private static bool IsSha256Fingerprint(string text)
        {
            var body = text.StartsWith("SHA256:", StringComparison.Ordinal) ? text.Substring(7) : text;
            return Base64Pattern.IsMatch(body) && Convert.FromBase64String(body.TrimEnd('=') + "=").Length == 32;
        }

        private static List<string> Names(HaPgInventory inventory, HaPgRole role) => inventory.NodesWithRole(role).Select(n => n.Name).ToList();

        private static string List(List<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);

        private static ValidationIssue Error(string id, string message, object? target, string key) =>
            new ValidationIssue(id, IssueSeverity.Error, message, target, ErrorCategory.InvalidArgument, key);

        private static ValidationIssue Warning(string id, string message, object? target, string key) =>
            new ValidationIssue(id, IssueSeverity.Warning, message, target, ErrorCategory.InvalidArgument, key);
    }
}
