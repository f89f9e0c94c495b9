using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;

namespace HaPg.Remote
{
    /// <summary>Local files with POSIX modes (netstandard2.0 has no API for them). No-ops on Windows.</summary>
    internal static class UnixFile
    {
        internal const int OwnerOnlyFile = 0x180;      // 0600
        internal const int OwnerOnlyDirectory = 0x1C0; // 0700

        private const int OpenWriteOnly = 0x1, OpenCreate = 0x40, OpenAppend = 0x400; // Linux values

        private static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        internal static void SetMode(string path, int mode)
        {
            if (!IsWindows && chmod(path, mode) != 0)
            {
                throw new IOException($"chmod {Convert.ToString(mode, 8)} {path}: {new Win32Exception(Marshal.GetLastWin32Error()).Message}");
            }
        }

        /// <summary>Appends bytes in one write(2) on an O_APPEND descriptor; creates the file with the mode.</summary>
        internal static void Append(string path, byte[] bytes, int createMode)
        {
            if (IsWindows || !RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                var existed = File.Exists(path);
                using (var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
                {
                    stream.Write(bytes, 0, bytes.Length);
                }

                if (!existed)
                {
                    SetMode(path, createMode);
                }

                return;
            }

            var fd = open(path, OpenWriteOnly | OpenCreate | OpenAppend, createMode);
            if (fd < 0)
            {
                throw new IOException($"open {path}: {new Win32Exception(Marshal.GetLastWin32Error()).Message}");
            }

            try
            {
                if (write(fd, bytes, (IntPtr)bytes.Length).ToInt64() != bytes.Length)
                {
                    throw new IOException($"write {path}: {new Win32Exception(Marshal.GetLastWin32Error()).Message}");
                }
            }
            finally
            {
                close(fd);
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int chmod(string path, int mode);

        [DllImport("libc", SetLastError = true)]
        private static extern int open(string path, int flags, int mode);

        [DllImport("libc", SetLastError = true)]
        private static extern IntPtr write(int fd, byte[] buffer, IntPtr count);

        [DllImport("libc")]
        private static extern int close(int fd);
    }
}
