using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security;
using HaPg.Components.Tls;
using HaPg.Inventory;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Describes a cluster: its nodes, their roles, its ports, and how HaPg reaches the nodes over SSH.</summary>
    /// <remarks>
    /// <para>Nodes come from the pipeline by property name (each object with Name, Address, Port, User, KeyPath, Role
    /// or Roles, HostKeySha256, Sudo becomes one node; other properties are ignored), or from -Node as an array of
    /// hashtables or objects with the same properties. A node property given on the command line applies to every piped node.</para>
    /// <para>Roles are Postgres, Etcd and Haproxy; a node may hold several. When no node has a role, a default layout
    /// applies: 1 to 3 nodes get every role; 4 nodes get Postgres and Etcd on the first three and Haproxy on the fourth;
    /// 5 nodes get the classic layout, Postgres on node 1 to 3, Etcd on node 4, Haproxy on node 5. Other counts need roles.
    /// -Layout HighAvailability gives 5 nodes Postgres and Etcd on three and Haproxy on two, behind -VirtualIP.</para>
    /// <para>Ports default to PostgreSQL 5432, Patroni REST 8008, etcd 2379/2380, HAProxy 5000 (primary), 5001 (replicas)
    /// and 7000 (stats); each has its own parameter.</para>
    /// <para>The inventory is validated before any host is touched: unique node names and addresses, valid addresses,
    /// ports, user names, host key fingerprints and key files, at least two Postgres nodes, an etcd member and an HAProxy node,
    /// no two services of one node on one port, a safe cluster name, valid client networks (never /0). The first problem
    /// is a terminating error with a stable id (HaPg.Inventory.*) naming the node; its message lists any others.
    /// An even number of etcd members is a warning.</para>
    /// <para>With -VirtualIP, the address must be a host address of the Haproxy nodes' network and no node's own; a single
    /// Haproxy node draws a warning, since the address could not move.</para>
    /// <para>New cluster passwords (superuser, replication, rewind, REST API, HAProxy stats, VRRP) are generated into the
    /// inventory's Secrets, in memory only. Export-HaPgInventory -SecretsPath keeps them.</para>
    /// </remarks>
    /// <example>
    /// <code>$labNodes | New-HaPgInventory -ClusterName pg -KnownHostsPath ~/.ssh/known_hosts</code>
    /// <para>One node per piped object (name, address, SSH port, user, key path, pinned host key); five nodes get the classic layout.</para>
    /// </example>
    /// <example>
    /// <code>New-HaPgInventory -ClusterName pg -ClientNetwork 10.0.0.0/24 -Node @(
    ///     @{ Name = 'pg1'; Address = '10.0.0.11'; KeyPath = '~/.ssh/id_ed25519'; Role = 'Postgres', 'Etcd' }
    ///     @{ Name = 'pg2'; Address = '10.0.0.12'; KeyPath = '~/.ssh/id_ed25519'; Role = 'Postgres', 'Etcd' }
    ///     @{ Name = 'lb1'; Address = '10.0.0.13'; KeyPath = '~/.ssh/id_ed25519'; Role = 'Etcd', 'Haproxy' })</code>
    /// <para>Three nodes with explicit roles: etcd on every node, HAProxy on its own.</para>
    /// </example>
    /// <example>
    /// <code>1..5 | ForEach-Object { [pscustomobject]@{ Name = "pg$_"; Address = "10.0.0.1$_"; KeyPath = '~/.ssh/id_ed25519' } } |
    ///     New-HaPgInventory -ClusterName pg -Layout HighAvailability -VirtualIP 10.0.0.50/24</code>
    /// <para>Five nodes: PostgreSQL and etcd on pg1 to pg3, HAProxy and keepalived on pg4 and pg5, which hold 10.0.0.50 between them.</para>
    /// </example>
    /// <example>
    /// <code>Import-Csv nodes.csv | New-HaPgInventory -ClusterName pg -User debian -Credential (Get-Credential debian) -SudoPassword (Read-Host -AsSecureString)</code>
    /// <para>Nodes from a CSV with Name, Address and Roles columns; SSH with a password, sudo with a password.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "HaPgInventory", DefaultParameterSetName = ByPropertySet)]
    [OutputType(typeof(HaPgInventory))]
    public sealed class NewHaPgInventoryCommand : PSCmdlet
    {
        private const string ByPropertySet = "ByProperty";
        private const string ByNodeSet = "ByNode";

        private readonly List<HaPgNode> nodes = new List<HaPgNode>();

        // Engine enums are held boxed: a value-type field of an Engine type would load HaPg.Engine when PowerShell
        // reflects over this assembly, before the module initializer can point the runtime at dependencies/.
        private object? nodeSudo;
        private object? sudoMode;

        #region Parameters

        /// <summary>The node's name: its etcd and Patroni member name.</summary>
        [Parameter(ParameterSetName = ByPropertySet, ValueFromPipelineByPropertyName = true)]
        public string? Name { get; set; }

        /// <summary>The node's host name or IP address, reachable from this machine and from the other nodes.</summary>
        [Parameter(ParameterSetName = ByPropertySet, ValueFromPipelineByPropertyName = true)]
        public string? Address { get; set; }

        /// <summary>The node's SSH port. Default 22.</summary>
        [Parameter(ParameterSetName = ByPropertySet, ValueFromPipelineByPropertyName = true)]
        public int? Port { get; set; }

        /// <summary>The SSH user. Default root; any other user gains root through sudo.</summary>
        [Parameter(ParameterSetName = ByPropertySet, ValueFromPipelineByPropertyName = true)]
        public string? User { get; set; }

        /// <summary>The SSH private key file. Relative paths and ~ resolve against the current location.</summary>
        [Parameter(ParameterSetName = ByPropertySet, ValueFromPipelineByPropertyName = true)]
        public string? KeyPath { get; set; }

        /// <summary>The node's roles: Postgres, Etcd, Haproxy, or several. Without roles on any node the default layout applies.</summary>
        [Parameter(ParameterSetName = ByPropertySet, ValueFromPipelineByPropertyName = true)]
        [Alias("Roles")]
        public HaPgRole[]? Role { get; set; }

        /// <summary>The SHA256 fingerprint of the node's SSH host key (as ssh-keygen -lf prints it), pinned: any other key is refused.</summary>
        [Parameter(ParameterSetName = ByPropertySet, ValueFromPipelineByPropertyName = true)]
        public string? HostKeySha256 { get; set; }

        /// <summary>How this node's SSH user gains root, overriding -SudoMode: None (the user is root), Passwordless or Password.</summary>
        [Parameter(ParameterSetName = ByPropertySet, ValueFromPipelineByPropertyName = true)]
        [Alias("Sudo")]
        public SudoMode? NodeSudo { get => (SudoMode?)nodeSudo; set => nodeSudo = value; }

        /// <summary>The nodes, as hashtables or objects with Name, Address and optionally Port, User, KeyPath, Role (or Roles), HostKeySha256, Sudo.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByNodeSet)]
        [ValidateNotNullOrEmpty]
        public object[] Node { get; set; } = new object[0];

        /// <summary>The cluster's name: the Patroni scope. Letters, digits, '-' and '_', starting with a letter. Default hapg.</summary>
        [Parameter]
        public string ClusterName { get; set; } = "hapg";

        /// <summary>The Patroni namespace, the etcd key prefix. Default /service/.</summary>
        [Parameter]
        public string Namespace { get; set; } = HaPgInventory.DefaultNamespace;

        /// <summary>The PostgreSQL major version to install, such as 15. Default: the distribution's default.</summary>
        [Parameter]
        public int? PostgresVersion { get; set; }

        /// <summary>The networks (CIDR, such as 10.0.0.0/24) whose clients may reach PostgreSQL and HAProxy.</summary>
        [Parameter]
        [Alias("ClientNetworks")]
        [ValidateNotNull]
        public string[] ClientNetwork { get; set; } = new string[0];

        /// <summary>
        /// An IPv4 address with its prefix (such as 10.0.0.50/24), free in the Haproxy nodes' network, that keepalived keeps on
        /// one healthy Haproxy node: clients, HaPg's failover writer and Test-HaPgCluster connect to it.
        /// </summary>
        [Parameter]
        public string? VirtualIP { get; set; }

        /// <summary>
        /// The roles of nodes given none: Default (1-3 nodes all roles; 4: Postgres and Etcd on three, Haproxy on one; 5: the
        /// recipe's 3 Postgres, 1 Etcd, 1 Haproxy) or HighAvailability (5 nodes: Postgres and Etcd on three, Haproxy on two
        /// behind -VirtualIP, which it requires).
        /// </summary>
        [Parameter]
        [ValidateSet(DefaultLayout.Default, DefaultLayout.HighAvailability)]
        public string Layout { get; set; } = DefaultLayout.Default;

        /// <summary>PostgreSQL's port on the Postgres nodes. Default 5432.</summary>
        [Parameter]
        public int? PostgresPort { get; set; }

        /// <summary>The Patroni REST API port on the Postgres nodes. Default 8008.</summary>
        [Parameter]
        public int? PatroniRestPort { get; set; }

        /// <summary>The etcd client port on the Etcd nodes. Default 2379.</summary>
        [Parameter]
        public int? EtcdClientPort { get; set; }

        /// <summary>The etcd peer port on the Etcd nodes. Default 2380.</summary>
        [Parameter]
        public int? EtcdPeerPort { get; set; }

        /// <summary>The HAProxy port that leads to the primary (read-write). Default 5000.</summary>
        [Parameter]
        public int? HaproxyPrimaryPort { get; set; }

        /// <summary>The HAProxy port that leads to the replicas (read-only). Default 5001.</summary>
        [Parameter]
        public int? HaproxyReplicaPort { get; set; }

        /// <summary>The HAProxy statistics page port. Default 7000.</summary>
        [Parameter]
        public int? HaproxyStatsPort { get; set; }

        /// <summary>The SSH credential: the password, or with a key file, the key's passphrase. Kept in memory only.</summary>
        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>The sudo password of non-root SSH users. Kept in memory only, sent on sudo's stdin, never on a command line.</summary>
        [Parameter]
        public SecureString? SudoPassword { get; set; }

        /// <summary>How non-root SSH users gain root on every node: Passwordless or Password. Default Password when -SudoPassword is given, else Passwordless.</summary>
        [Parameter]
        public SudoMode? SudoMode { get => (SudoMode?)sudoMode; set => sudoMode = value; }

        /// <summary>The OpenSSH known_hosts file that holds the nodes' host keys. Default ~/.ssh/known_hosts.</summary>
        [Parameter]
        public string? KnownHostsPath { get; set; }

        /// <summary>
        /// Your own CA instead of one HaPg generates: a PEM certificate file (a CA: basicConstraints CA:true). Needs -CaKeyPath.
        /// The CA's key is held in memory only, like the passwords, and written only by Export-HaPgInventory -SecretsPath.
        /// </summary>
        [Parameter]
        public string? CaCertificatePath { get; set; }

        /// <summary>The unencrypted PEM private key (PKCS#8, SEC1 EC or PKCS#1 RSA) of -CaCertificatePath.</summary>
        [Parameter]
        public string? CaKeyPath { get; set; }

        #endregion

        #region Overrides

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ByNodeSet)
            {
                for (var i = 0; i < Node.Length; i++)
                {
                    try
                    {
                        nodes.Add(NodeInput.FromObject(Node[i], i));
                    }
                    catch (HaPgInventoryException ex)
                    {
                        ThrowTerminatingError(ex.ToErrorRecord());
                    }
                }
            }
            else if (MyInvocation.ExpectingInput || Name is not null || Address is not null)
            {
                nodes.Add(NodeInput.FromParameters(Name, Address, Port, User, KeyPath, Role, HostKeySha256, NodeSudo));
            }
        }

        protected override void EndProcessing()
        {
            var inventory = new HaPgInventory
            {
                ClusterName = ClusterName,
                Namespace = Namespace,
                PostgresVersion = PostgresVersion,
                ClientNetworks = new List<string>(ClientNetwork),
                VirtualIP = string.IsNullOrWhiteSpace(VirtualIP) ? null : VirtualIP!.Trim(),
                Sudo = SudoMode,
                KnownHostsPath = KnownHostsPath,
                Credential = Credential,
                SudoPassword = SudoPassword,
                Nodes = nodes,
            };
            foreach (var port in HaPgPorts.Catalogue.Where(p => MyInvocation.BoundParameters.ContainsKey(p.Name + "Port")))
            {
                port.Set(inventory.Ports, (int)MyInvocation.BoundParameters[port.Name + "Port"]);
            }

            InventoryPreflight.Run(this, inventory, SessionState.Path.GetUnresolvedProviderPathFromPSPath, source: null, Layout);
            BringOwnCa(inventory);
            var generated = SecretGenerator.FillMissing(inventory.Secrets);
            WriteVerbose($"{inventory.ClusterName}: generated {generated.Count} cluster passwords ({string.Join(", ", generated)}); values are not shown.");
            WriteObject(inventory);
        }

        /// <summary>Takes -CaCertificatePath and -CaKeyPath, checked (a CA, its key) before the inventory is returned.</summary>
        private void BringOwnCa(HaPgInventory inventory)
        {
            if (CaCertificatePath is null && CaKeyPath is null)
            {
                return;
            }

            if (CaCertificatePath is null || CaKeyPath is null)
            {
                ThrowTerminatingError(new HaPgValidationException(TlsErrorIds.CaIncomplete, "-CaCertificatePath and -CaKeyPath go together: HaPg issues the nodes' certificates with the CA's key.",
                    inventory, ErrorCategory.InvalidArgument).ToErrorRecord());
            }

            string Read(string path) => System.IO.File.ReadAllText(SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));
            try
            {
                var ca = ClusterCa.FromPem(Read(CaCertificatePath!), Read(CaKeyPath!));
                inventory.Secrets.CaCertificatePem = ca.CertificatePem;
                inventory.Secrets.CaPrivateKey = ca.PrivateKeyPem!.ToSecureString();
                WriteVerbose($"{inventory.ClusterName}: the cluster CA is {ca.Info.Subject} ({ca.Sha256Fingerprint}), valid until {ca.Info.NotAfter:yyyy-MM-dd}.");
            }
            catch (HaPgException ex)
            {
                ThrowTerminatingError(ex.ToErrorRecord());
            }
            catch (System.IO.IOException ex)
            {
                ThrowTerminatingError(new HaPgValidationException(TlsErrorIds.CaUnreadable, "The CA files cannot be read: " + ex.Message, inventory,
                    ErrorCategory.ReadError).ToErrorRecord());
            }
        }

        #endregion
    }
}
