using System.IO;
using System.Management.Automation;
using System.Security;
using HaPg.Inventory;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Reads an inventory from YAML written by Export-HaPgInventory or by hand, and validates it.</summary>
    /// <remarks>
    /// <para>An unknown key, a value of the wrong type or a YAML syntax error stops the import with an error that names the
    /// file, the line and the key (HaPg.Inventory.YamlUnknownKey, HaPg.Inventory.YamlInvalidValue, HaPg.Inventory.YamlSyntax).
    /// Then the inventory is validated exactly as New-HaPgInventory validates it; those errors name the node and the line.</para>
    /// <para>Passwords are not in the inventory file. Give the SSH credential and the sudo password as parameters, and the
    /// cluster passwords and the cluster CA with -SecretsPath (the file Export-HaPgInventory -SecretsPath wrote; a file
    /// without the CA, as older ones are, still imports). Without -SecretsPath, new
    /// cluster passwords are generated, with a warning: against an existing cluster they would not match.</para>
    /// <para>Relative key and known_hosts paths in the file resolve against the file's folder.</para>
    /// </remarks>
    /// <example>
    /// <code>$inventory = Import-HaPgInventory ./pg.yaml -SecretsPath ~/.hapg/pg.secrets.yaml</code>
    /// <para>Reads the inventory and its cluster passwords.</para>
    /// </example>
    /// <example>
    /// <code>Import-HaPgInventory ./pg.yaml -Credential (Get-Credential debian) -SudoPassword (Read-Host -AsSecureString 'sudo')</code>
    /// <para>Reads an inventory whose nodes take an SSH password and a sudo password.</para>
    /// </example>
    [Cmdlet(VerbsData.Import, "HaPgInventory")]
    [OutputType(typeof(HaPgInventory))]
    public sealed class ImportHaPgInventoryCommand : PSCmdlet
    {
        #region Parameters

        /// <summary>The inventory YAML file.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        public string Path { get; set; } = string.Empty;

        /// <summary>The secrets file written by Export-HaPgInventory -SecretsPath, holding the cluster passwords and the CA.</summary>
        [Parameter]
        public string? SecretsPath { get; set; }

        /// <summary>The SSH credential: the password, or with key files, the keys' passphrase.</summary>
        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>The sudo password of non-root SSH users.</summary>
        [Parameter]
        public SecureString? SudoPassword { get; set; }

        #endregion

        #region Overrides

        protected override void ProcessRecord()
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            HaPgInventory inventory;
            YamlSourceMap source;
            try
            {
                using (var reader = OpenText(path))
                {
                    inventory = InventoryYaml.Read(reader, path, out source);
                }

                inventory.Credential = Credential;
                inventory.SudoPassword = SudoPassword;
                if (SecretsPath is not null)
                {
                    var secretsPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(SecretsPath);
                    using var reader = OpenText(secretsPath);
                    InventoryYaml.ReadSecrets(reader, secretsPath, inventory);
                }
            }
            catch (HaPgInventoryException ex)
            {
                ThrowTerminatingError(ex.ToErrorRecord());
                return;
            }

            var folder = System.IO.Path.GetDirectoryName(path)!;
            InventoryPreflight.Run(this, inventory, p => ResolveAgainst(folder, p), source);

            var generated = SecretGenerator.FillMissing(inventory.Secrets);
            if (generated.Count > 0 && SecretsPath is null)
            {
                WriteWarning($"{inventory.ClusterName}: no -SecretsPath, so new cluster passwords were generated; an existing cluster needs the secrets file exported with it.");
            }
            else if (generated.Count > 0)
            {
                WriteVerbose($"{inventory.ClusterName}: generated missing passwords ({string.Join(", ", generated)}); values are not shown.");
            }

            WriteObject(inventory);
        }

        #endregion

        private string ResolveAgainst(string folder, string path) =>
            System.IO.Path.IsPathRooted(path) || path.StartsWith("~", System.StringComparison.Ordinal)
                ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(path)
                : System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, path));

        private static StreamReader OpenText(string path) =>
            File.Exists(path)
                ? new StreamReader(path)
                : throw new HaPgInventoryException(InventoryErrorIds.FileNotFound, $"'{path}' does not exist.", ErrorCategory.ObjectNotFound, path);
    }
}
