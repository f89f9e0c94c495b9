using System;
using System.Collections.Generic;
using HaPg.Components.Common;
using HaPg.Remote;

namespace HaPg.Components.Etcd
{
    /// <summary>Which apt packages give etcd and etcdctl on each supported distro.</summary>
    public static class EtcdPackages
    {
        /// <summary>
        /// Ubuntu 20.04: "etcd" (pulls etcd-server and etcd-client). Ubuntu 22.04+ and Debian 12+: "etcd-server" and
        /// "etcd-client" ("etcd" is only transitional there). Anything else: HaPg.Etcd.UnsupportedOs.
        /// </summary>
        public static IReadOnlyList<string> For(string osId, string osVersion)
        {
            var version = ParseVersion(osVersion);
            switch ((osId ?? string.Empty).ToLowerInvariant())
            {
                case "ubuntu" when version == new Version(20, 4):
                    return new[] { "etcd" };
                case "ubuntu" when version >= new Version(22, 4):
                case "debian" when version >= new Version(12, 0):
                    return new[] { "etcd-server", "etcd-client" };
                default:
                    throw new HaPgValidationException("HaPg.Etcd.UnsupportedOs",
                        $"etcd packages are known for Ubuntu 20.04/22.04/24.04 and Debian 12, not '{osId} {osVersion}'.",
                        $"{osId} {osVersion}", System.Management.Automation.ErrorCategory.NotImplemented);
            }
        }

        public static IReadOnlyList<string> For(OsRelease os) => For(os.Id, os.VersionId);

        private static Version? ParseVersion(string text) =>
            Version.TryParse(text.Contains(".") ? text : text + ".0", out var v) ? v : null;
    }
}
