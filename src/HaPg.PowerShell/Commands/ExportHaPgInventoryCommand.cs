using System.IO;
using System.Management.Automation;
using System.Text;
using HaPg.Inventory;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Saves an inventory as YAML, and optionally its generated passwords to a separate private file.</summary>
    /// <remarks>
    /// <para>The YAML has camelCase keys in a fixed order and lists each node's roles by name. It never holds a password:
    /// not the SSH credential, not the sudo password, not the generated cluster passwords.</para>
    /// <para>With -SecretsPath, the generated cluster passwords, and the cluster CA's certificate and private key when the
    /// inventory holds them (caCertificate, caPrivateKey, as PEM blocks), go to a second YAML file. It is written to a new temp
    /// file in the same folder, created with mode 0600 on Linux and macOS (never wider, not even before it is written), which
    /// then replaces the target in one rename. A -SecretsPath that is a symbolic link is refused (HaPg.Inventory.SecretsPathIsLink),
    /// never followed. On Windows the file inherits the folder's permissions: keep it in a folder only you can read.
    /// Import-HaPgInventory -SecretsPath reads it back.</para>
    /// <para>An existing file is overwritten only with -Force (else error HaPg.Inventory.FileExists).</para>
    /// </remarks>
    /// <example>
    /// <code>$inventory | Export-HaPgInventory -Path ./pg.yaml -SecretsPath ~/.hapg/pg.secrets.yaml</code>
    /// <para>Writes the inventory to pg.yaml and the cluster passwords to a mode-0600 file in the home folder.</para>
    /// </example>
    /// <example>
    /// <code>Export-HaPgInventory -Inventory $inventory -Path ./pg.yaml -Force -PassThru</code>
    /// <para>Overwrites pg.yaml and returns the file.</para>
    /// </example>
    [Cmdlet(VerbsData.Export, "HaPgInventory", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportHaPgInventoryCommand : PSCmdlet
    {
        #region Parameters

        /// <summary>The inventory to save.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        public HaPgInventory Inventory { get; set; } = null!;

        /// <summary>The inventory YAML file to write.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public string Path { get; set; } = string.Empty;

        /// <summary>A separate YAML file for the generated cluster passwords and the cluster CA, created with mode 0600 (Unix).</summary>
        [Parameter]
        public string? SecretsPath { get; set; }

        /// <summary>Overwrites existing files.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Returns the files written.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        #endregion

        #region Overrides

        protected override void ProcessRecord()
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            var secretsPath = SecretsPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(SecretsPath);
            foreach (var target in new[] { path, secretsPath })
            {
                if (target is not null && File.Exists(target) && !Force)
                {
                    ThrowTerminatingError(new ErrorRecord(
                        new IOException($"Inventory '{Inventory.ClusterName}': '{target}' exists; use -Force to overwrite it."),
                        InventoryErrorIds.FileExists, ErrorCategory.ResourceExists, target));
                }
            }

            if (ShouldProcess(path, $"Write inventory '{Inventory.ClusterName}' ({Inventory.Nodes.Count} nodes)"))
            {
                using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(false)))
                {
                    InventoryYaml.Write(Inventory, writer);
                }

                WritePassThru(path);
            }

            if (secretsPath is not null && ShouldProcess(secretsPath, $"Write the passwords of cluster '{Inventory.ClusterName}' (mode 0600)"))
            {
                try
                {
                    PrivateFile.WriteText(secretsPath, writer => InventoryYaml.WriteSecrets(Inventory, writer));
                }
                catch (HaPgInventoryException ex)
                {
                    ThrowTerminatingError(ex.ToErrorRecord());
                }

                WritePassThru(secretsPath);
            }
        }

        #endregion

        private void WritePassThru(string path)
        {
            WriteVerbose($"{Inventory.ClusterName}: wrote '{path}'.");
            if (PassThru)
            {
                WriteObject(new FileInfo(path));
            }
        }
    }
}
