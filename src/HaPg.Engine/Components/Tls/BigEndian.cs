using System;
using System.Security.Cryptography;

namespace HaPg.Components.Tls
{
    /// <summary>Unsigned big-endian numbers as DER and .NET's key parameters want them.</summary>
    internal static class BigEndian
    {
        /// <summary>Without leading zero bytes (one zero byte stays for zero): AsnWriter.WriteIntegerUnsigned refuses redundant ones.</summary>
        internal static ReadOnlySpan<byte> Minimal(ReadOnlySpan<byte> value)
        {
            while (value.Length > 1 && value[0] == 0)
            {
                value = value.Slice(1);
            }

            return value;
        }

        /// <summary>Left-padded with zeros (or stripped of leading zeros) to exactly <paramref name="length"/> bytes.</summary>
        internal static byte[] FixedLength(ReadOnlySpan<byte> value, int length)
        {
            value = Minimal(value);
            if (value.Length > length)
            {
                throw new CryptographicException("A key or signature number is longer than its algorithm allows.");
            }

            var result = new byte[length];
            value.CopyTo(result.AsSpan(length - value.Length));
            return result;
        }
    }
}
