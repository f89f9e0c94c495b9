namespace HaPg.Inventory
{
    /// <summary>
    /// Every FullyQualifiedErrorId the inventory raises. Docs and tests use these strings; never rename one.
    /// </summary>
    public static class InventoryErrorIds
    {
        // Nodes
        public const string NoNodes = "HaPg.Inventory.NoNodes";
        public const string InvalidNodeName = "HaPg.Inventory.InvalidNodeName";
        public const string DuplicateNodeName = "HaPg.Inventory.DuplicateNodeName";
        public const string InvalidAddress = "HaPg.Inventory.InvalidAddress";
        public const string DuplicateAddress = "HaPg.Inventory.DuplicateAddress";
        public const string InvalidUser = "HaPg.Inventory.InvalidUser";
        public const string InvalidHostKey = "HaPg.Inventory.InvalidHostKey";
        public const string KeyFileNotFound = "HaPg.Inventory.KeyFileNotFound";
        public const string NoSshCredential = "HaPg.Inventory.NoSshCredential";
        public const string InvalidSudoMode = "HaPg.Inventory.InvalidSudoMode";
        public const string SudoPasswordMissing = "HaPg.Inventory.SudoPasswordMissing";
        public const string InvalidNodeInput = "HaPg.Inventory.InvalidNodeInput";

        /// <summary>A string field of the inventory or a node holds a control character (a newline, a tab, NUL, DEL...).</summary>
        public const string ControlCharacter = "HaPg.Inventory.ControlCharacter";

        /// <summary>-Node names a node the inventory does not have.</summary>
        public const string UnknownNode = "HaPg.Inventory.UnknownNode";

        // Layout
        public const string RolesRequired = "HaPg.Inventory.RolesRequired";
        public const string NodeWithoutRole = "HaPg.Inventory.NodeWithoutRole";
        public const string TooFewPostgresNodes = "HaPg.Inventory.TooFewPostgresNodes";
        public const string NoEtcdMember = "HaPg.Inventory.NoEtcdMember";
        public const string NoHaproxyNode = "HaPg.Inventory.NoHaproxyNode";
        public const string LayoutNotApplicable = "HaPg.Inventory.LayoutNotApplicable";
        public const string VirtualIPRequired = "HaPg.Inventory.VirtualIPRequired";

        // Ports
        public const string InvalidPort = "HaPg.Inventory.InvalidPort";
        public const string PortConflict = "HaPg.Inventory.PortConflict";

        // Cluster
        public const string InvalidClusterName = "HaPg.Inventory.InvalidClusterName";
        public const string InvalidNamespace = "HaPg.Inventory.InvalidNamespace";
        public const string InvalidPostgresVersion = "HaPg.Inventory.InvalidPostgresVersion";
        public const string InvalidClientNetwork = "HaPg.Inventory.InvalidClientNetwork";
        public const string ClientNetworkTooBroad = "HaPg.Inventory.ClientNetworkTooBroad";
        public const string InvalidVirtualIP = "HaPg.Inventory.InvalidVirtualIP";
        public const string VirtualIPInUse = "HaPg.Inventory.VirtualIPInUse";
        public const string VirtualIPOutsideNetwork = "HaPg.Inventory.VirtualIPOutsideNetwork";

        // Files
        public const string YamlSyntax = "HaPg.Inventory.YamlSyntax";
        public const string YamlUnknownKey = "HaPg.Inventory.YamlUnknownKey";
        public const string YamlInvalidValue = "HaPg.Inventory.YamlInvalidValue";
        public const string SecretsMismatch = "HaPg.Inventory.SecretsMismatch";
        public const string FileExists = "HaPg.Inventory.FileExists";
        public const string FileNotFound = "HaPg.Inventory.FileNotFound";

        /// <summary>Export-HaPgInventory -SecretsPath names a symbolic link; HaPg never writes the secrets through one.</summary>
        public const string SecretsPathIsLink = "HaPg.Inventory.SecretsPathIsLink";

        // Warnings (WriteWarning text only; the ids let tests tell them apart)
        public const string EvenEtcdMembers = "HaPg.Inventory.EvenEtcdMembers";
        public const string SingleEtcdMember = "HaPg.Inventory.SingleEtcdMember";
        public const string LoopbackAddress = "HaPg.Inventory.LoopbackAddress";
        public const string EtcdOnPostgresNodes = "HaPg.Inventory.EtcdOnPostgresNodes";
        public const string VirtualIPOnOneNode = "HaPg.Inventory.VirtualIPOnOneNode";
    }
}
