using System.IO;
using System.Management.Automation;

namespace HaPg.PowerShell
{
    /// <summary>Where a failover report goes: checked before any work, so a long test never ends on a path it cannot write.</summary>
    internal static class ReportTarget
    {
        public const string DirectoryNotFoundErrorId = "HaPg.Report.DirectoryNotFound";
        public const string FileExistsErrorId = "HaPg.Report.FileExists";

        /// <summary>The full path, or an error record for a missing folder, a folder given as the file, or a file -NoClobber keeps.</summary>
        public static (string Path, ErrorRecord? Error) Resolve(PSCmdlet cmdlet, string path, bool noClobber)
        {
            var full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
            var folder = System.IO.Path.GetDirectoryName(full);
            if (Directory.Exists(full) || string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
            {
                return (full, new ErrorRecord(new DirectoryNotFoundException($"Cannot write the failover report to '{full}': " +
                        (Directory.Exists(full) ? "it is a folder." : $"the folder '{folder}' does not exist.")),
                    DirectoryNotFoundErrorId, ErrorCategory.ObjectNotFound, full));
            }

            if (noClobber && File.Exists(full))
            {
                return (full, new ErrorRecord(new IOException($"'{full}' exists, and -NoClobber keeps it."), FileExistsErrorId, ErrorCategory.ResourceExists, full));
            }

            return (full, null);
        }
    }
}
