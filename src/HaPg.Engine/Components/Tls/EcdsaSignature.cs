using System;
using System.Formats.Asn1;

namespace HaPg.Components.Tls
{
    /// <summary>
    /// ECDSA signatures in two shapes: .NET's IEEE P1363 r||s (each half the curve's field length) and X.509's
    /// DER SEQUENCE { INTEGER r, INTEGER s }.
    /// </summary>
    internal static class EcdsaSignature
    {
        internal static byte[] ToDer(byte[] p1363)
        {
            var half = p1363.Length / 2;
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                writer.WriteIntegerUnsigned(BigEndian.Minimal(p1363.AsSpan(0, half)));
                writer.WriteIntegerUnsigned(BigEndian.Minimal(p1363.AsSpan(half, half)));
            }

            return writer.Encode();
        }

        internal static byte[] ToP1363(byte[] der, int fieldBytes)
        {
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            var r = sequence.ReadIntegerBytes();
            var s = sequence.ReadIntegerBytes();
            sequence.ThrowIfNotEmpty();
            reader.ThrowIfNotEmpty();
            var result = new byte[2 * fieldBytes];
            BigEndian.FixedLength(r.Span, fieldBytes).CopyTo(result, 0);
            BigEndian.FixedLength(s.Span, fieldBytes).CopyTo(result, fieldBytes);
            return result;
        }
    }
}
