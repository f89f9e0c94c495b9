using System;
using System.ComponentModel;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace HaPg.Inventory
{
    /// <summary>
    /// Writes a text file readable by its owner only, in one step: the content goes to a new temp file in the same folder,
    /// which then replaces the target by rename. A target that is a symbolic link is refused (HaPg.Inventory.SecretsPathIsLink),
    /// never followed; the rename replaces a name, never writes through one.
    /// On Unix the temp file is created by open(2) with O_CREAT|O_EXCL|O_NOFOLLOW and mode 0600, so it is never wider than
    /// 0600, not even between creating and writing it (setting the umask instead would race with the other threads of the
    /// process: PowerShell runs runspaces side by side). On Windows it inherits the folder's ACL: keep it in a private folder.
    /// </summary>
    public static class PrivateFile
    {
        private const int OwnerReadWrite = 0x180; // 0600

        /// <summary>Writes the file through <paramref name="write"/>; on any failure the old file stays as it was and the temp file is removed.</summary>
        public static void WriteText(string path, Action<TextWriter> write)
        {
            path = Path.GetFullPath(path);
            RefuseLink(path);
            var folder = Path.GetDirectoryName(path)!;
            var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.hapg-{RandomSuffix()}");
            try
            {
                using (var stream = CreateNew(temp))
                using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
                {
                    write(writer);
                    writer.Flush();
                    stream.Flush(flushToDisk: true);
                }

                RefuseLink(path); // again, just before the rename, which would replace a link that appeared meanwhile, not follow it
                Replace(temp, path);
            }
            catch
            {
                TryDelete(temp);
                throw;
            }
        }

        private static void RefuseLink(string path)
        {
            FileAttributes attributes;
            try
            {
                attributes = File.GetAttributes(path); // of the link itself, not of what it points to
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                return;
            }

            if ((attributes & FileAttributes.ReparsePoint) != 0)
            {
                throw new HaPgInventoryException(InventoryErrorIds.SecretsPathIsLink,
                    $"'{path}' is a symbolic link; HaPg writes the secrets only to a plain file it creates itself. Give the path of a file, not of a link.",
                    ErrorCategory.SecurityError, path);
            }
        }

        private static FileStream CreateNew(string path)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            }

            var fd = open(NativePath(path), UnixFlags.CreateExclusiveNoFollow, OwnerReadWrite);
            if (fd < 0)
            {
                throw new IOException($"Cannot create '{path}'.", new Win32Exception(Marshal.GetLastWin32Error()));
            }

            var handle = new SafeFileHandle((IntPtr)fd, ownsHandle: true);
            try
            {
                // open's mode is masked by the umask, which can only narrow it; make it exactly 0600.
                if (fchmod(fd, OwnerReadWrite) != 0)
                {
                    throw new IOException($"Cannot set mode 0600 on '{path}'.", new Win32Exception(Marshal.GetLastWin32Error()));
                }

                return new FileStream(handle, FileAccess.Write);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        // rename(2) replaces the target in one step; Windows has File.Replace for an existing target.
        private static void Replace(string temp, string path)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                if (rename(NativePath(temp), NativePath(path)) != 0)
                {
                    throw new IOException($"Cannot move the new file onto '{path}'.", new Win32Exception(Marshal.GetLastWin32Error()));
                }
            }
            else if (File.Exists(path))
            {
                File.Replace(temp, path, destinationBackupFileName: null);
            }
            else
            {
                File.Move(temp, path);
            }
        }

        // A NUL-terminated UTF-8 path, as libc takes it (netstandard2.0 has no UTF-8 string marshalling).
        private static byte[] NativePath(string path) => Encoding.UTF8.GetBytes(path + "\0");

        private static string RandomSuffix()
        {
            var bytes = new byte[6];
            using (var random = RandomNumberGenerator.Create())
            {
                random.GetBytes(bytes);
            }

            return BitConverter.ToString(bytes).Replace("-", string.Empty).ToLowerInvariant();
        }

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        /// <summary>O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC: the values differ between Linux and macOS.</summary>
        private static class UnixFlags
        {
            internal static readonly int CreateExclusiveNoFollow = RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
                ? 0x1 | 0x200 | 0x800 | 0x100 | 0x1000000
                : RuntimeInformation.IsOSPlatform(OSPlatform.Linux)
                    ? 0x1 | 0x40 | 0x80 | 0x20000 | 0x80000
                    : throw new PlatformNotSupportedException("HaPg writes private files on Linux, macOS and Windows.");
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int open(byte[] path, int flags, int mode);

        [DllImport("libc", SetLastError = true)]
        private static extern int fchmod(int fd, int mode);

        [DllImport("libc", SetLastError = true)]
        private static extern int rename(byte[] oldPath, byte[] newPath);
    }
}
