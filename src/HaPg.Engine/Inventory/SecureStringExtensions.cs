using System;
using System.Runtime.InteropServices;
using System.Security;

namespace HaPg.Inventory
{
    /// <summary>Conversions for the moment a secret must leave its SecureString (a file of mode 0600, stdin of sudo).</summary>
    public static class SecureStringExtensions
    {
        public static string ToPlainText(this SecureString secure)
        {
            var pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
            try
            {
                return Marshal.PtrToStringUni(pointer) ?? string.Empty;
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }

        public static SecureString ToSecureString(this string text)
        {
            var secure = new SecureString();
            foreach (var c in text)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }
    }
}
