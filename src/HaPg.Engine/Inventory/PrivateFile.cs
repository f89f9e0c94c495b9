using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace HaPg.Inventory
{
    /// <summary>
    /// Creates a text file readable by its owner only. On Unix the file is created empty, set to mode 0600,
    /// and only then written. On Windows the file inherits the folder's ACL: keep it in a private folder.
    /// </summary>
    public static class PrivateFile
    {
        private const uint OwnerReadWrite = 0x180; // 0600

        public static StreamWriter CreateText(string path)
        {
            var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
            try
            {
                if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && chmod(path, OwnerReadWrite) != 0)
                {
                    throw new IOException($"Cannot set mode 0600 on '{path}'.", new Win32Exception(Marshal.GetLastWin32Error()));
                }

                stream.SetLength(0);
                return new StreamWriter(stream, new UTF8Encoding(false));
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int chmod(string path, uint mode);
    }
}
