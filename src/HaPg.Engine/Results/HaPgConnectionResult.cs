using System.Collections.Generic;

namespace HaPg.Results
{
    /// <summary>What Test-HaPgConnection found on one node. Errors repeat the errors it wrote for the node.</summary>
    public sealed class HaPgConnectionResult : HaPgResult
    {
        public string Address { get; set; } = string.Empty;
        public bool Reachable { get; set; }

        /// <summary>SHA256:... of the node's host key.</summary>
        public string? HostKeySha256 { get; set; }

        /// <summary>ID from /etc/os-release, e.g. debian or ubuntu.</summary>
        public string? Os { get; set; }

        /// <summary>VERSION_ID from /etc/os-release, e.g. 12 or 24.04.</summary>
        public string? OsVersion { get; set; }

        public bool SudoOk { get; set; }

        /// <summary>systemd is PID 1.</summary>
        public bool Systemd { get; set; }

        /// <summary>What runs as PID 1.</summary>
        public string? InitProcess { get; set; }

        /// <summary>Free space on the root file system, in GiB.</summary>
        public double? FreeDiskGB { get; set; }

        /// <summary>apt-get works (a read-only simulated check).</summary>
        public bool AptOk { get; set; }

        /// <summary>Installed version per component: postgresql, patroni, etcd, haproxy.</summary>
        public Dictionary<string, string> Installed { get; set; } = new Dictionary<string, string>();

        public List<string> Errors { get; set; } = new List<string>();
    }
}
