namespace HaPg.Inventory
{
    /// <summary>One host of the cluster and how to reach it over SSH.</summary>
    public sealed class HaPgNode : INodeTarget
    {
        public string Name { get; set; } = string.Empty;
        public string Address { get; set; } = string.Empty;
        public int Port { get; set; } = 22;
        public string User { get; set; } = "root";
        public string? KeyPath { get; set; }
        public HaPgRole Roles { get; set; }

        /// <summary>SHA256 host key fingerprint (unpadded base64, optional "SHA256:" prefix) pinned for this node.</summary>
        public string? HostKeySha256 { get; set; }

        /// <summary>Overrides the inventory's sudo mode for this node.</summary>
        public SudoMode? Sudo { get; set; }

        public bool HasRole(HaPgRole role) => (Roles & role) == role;

        public override string ToString() => Name;
    }
}
