using System;
using System.Formats.Asn1;
using System.Linq;
using System.Security.Cryptography;

namespace HaPg.Components.Tls
{
    /// <summary>
    /// Reads an unencrypted private key PEM: PKCS#8 "PRIVATE KEY", SEC1 "EC PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY".
    /// Errors never quote the key.
    /// </summary>
    internal static class PrivateKeyReader
    {
        internal static SigningKey Read(string? pem)
        {
            var blocks = Pem.Blocks(pem);
            var block = blocks.FirstOrDefault(b => b.Label.EndsWith("PRIVATE KEY", StringComparison.Ordinal))
                ?? throw (blocks.Count == 0
                    ? Invalid("The private key is not PEM text (-----BEGIN PRIVATE KEY----- ...).")
                    : Unsupported($"The text holds no private key (it holds {string.Join(", ", blocks.Select(b => b.Label))})."));
            try
            {
                if (block.HasHeaders)
                {
                    throw Unsupported($"The {block.Label} is encrypted; HaPg needs it unencrypted (openssl pkey -in key.pem -out plain.pem).");
                }

                switch (block.Label)
                {
                    case "PRIVATE KEY":
                        return Pkcs8(block.Data);
                    case "EC PRIVATE KEY":
                        return Sec1(block.Data, null);
                    case "RSA PRIVATE KEY":
                        return Pkcs1(block.Data);
                    case "ENCRYPTED PRIVATE KEY":
                        throw Unsupported("The private key is encrypted (ENCRYPTED PRIVATE KEY); HaPg needs it unencrypted (openssl pkey -in key.pem -out plain.pem).");
                    default:
                        throw Unsupported($"A {block.Label} is not a key HaPg reads: give an EC (P-256, P-384, P-521) or RSA key as PKCS#8, SEC1 or PKCS#1 PEM.");
                }
            }
            catch (AsnContentException)
            {
                throw Invalid($"The {block.Label} is not a readable key.");
            }
            catch (CryptographicException)
            {
                throw Invalid($"The {block.Label} is not a valid key.");
            }
            finally
            {
                SigningKey.Clear(block.Data);
            }
        }

        private static SigningKey Pkcs8(byte[] der)
        {
            var info = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            info.ReadInteger();
            var algorithm = info.ReadSequence();
            var oid = algorithm.ReadObjectIdentifier();
            var inner = info.ReadOctetString();
            try
            {
                if (oid == Oids.EcPublicKey)
                {
                    var curveOid = algorithm.HasData && algorithm.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier) ? algorithm.ReadObjectIdentifier() : null;
                    return Sec1(inner, curveOid ?? throw Unsupported("The EC key names no curve; HaPg reads named curves (P-256, P-384, P-521)."));
                }

                if (oid == Oids.RsaEncryption)
                {
                    return Pkcs1(inner);
                }

                throw Unsupported($"The private key's algorithm ({oid}) is neither EC nor RSA.");
            }
            finally
            {
                SigningKey.Clear(inner);
            }
        }

        // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] parameters OPTIONAL, [1] publicKey OPTIONAL }
        private static SigningKey Sec1(byte[] der, string? curveOid)
        {
            var key = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            key.ReadInteger();
            var d = key.ReadOctetString();
            try
            {
                byte[]? point = null;
                while (key.HasData)
                {
                    var tag = key.PeekTag();
                    var field = key.ReadSequence(tag);
                    if (tag.TagClass == TagClass.ContextSpecific && tag.TagValue == 0)
                    {
                        curveOid ??= field.ReadObjectIdentifier();
                    }
                    else if (tag.TagClass == TagClass.ContextSpecific && tag.TagValue == 1)
                    {
                        point = field.ReadBitString(out _);
                    }
                }

                var curve = EcCurve.ByOid(curveOid)
                    ?? throw Unsupported($"The EC key's curve ({curveOid ?? "not named"}) is not one HaPg uses (P-256, P-384, P-521).");
                var parameters = new ECParameters { Curve = curve.Curve, D = BigEndian.FixedLength(d, curve.FieldBytes) };
                if (point is not null && point.Length == 1 + (2 * curve.FieldBytes) && point[0] == 4)
                {
                    parameters.Q = new ECPoint
                    {
                        X = point.AsSpan(1, curve.FieldBytes).ToArray(),
                        Y = point.AsSpan(1 + curve.FieldBytes, curve.FieldBytes).ToArray(),
                    };
                }

                return SigningKey.FromEc(curve, parameters);
            }
            finally
            {
                SigningKey.Clear(d);
            }
        }

        // RSAPrivateKey ::= SEQUENCE { version, n, e, d, p, q, dp, dq, qinv }; .NET wants d as long as n and the rest half that.
        private static SigningKey Pkcs1(byte[] der)
        {
            var key = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            key.ReadInteger();
            var modulus = BigEndian.Minimal(key.ReadIntegerBytes().Span).ToArray();
            var exponent = BigEndian.Minimal(key.ReadIntegerBytes().Span).ToArray();
            var half = (modulus.Length + 1) / 2;
            return SigningKey.FromRsa(new RSAParameters
            {
                Modulus = modulus,
                Exponent = exponent,
                D = BigEndian.FixedLength(key.ReadIntegerBytes().Span, modulus.Length),
                P = BigEndian.FixedLength(key.ReadIntegerBytes().Span, half),
                Q = BigEndian.FixedLength(key.ReadIntegerBytes().Span, half),
                DP = BigEndian.FixedLength(key.ReadIntegerBytes().Span, half),
                DQ = BigEndian.FixedLength(key.ReadIntegerBytes().Span, half),
                InverseQ = BigEndian.FixedLength(key.ReadIntegerBytes().Span, half),
            });
        }

        internal static HaPgValidationException Invalid(string message) => new HaPgValidationException(TlsErrorIds.InvalidPem, message, "private key");

        private static HaPgValidationException Unsupported(string message) =>
            new HaPgValidationException(TlsErrorIds.UnsupportedKey, message, "private key");
    }
}
