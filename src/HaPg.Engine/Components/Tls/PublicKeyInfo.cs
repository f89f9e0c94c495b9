using System;
using System.Formats.Asn1;
using System.Security.Cryptography;

namespace HaPg.Components.Tls
{
    /// <summary>
    /// A SubjectPublicKeyInfo HaPg understands: EC on a NIST curve, or RSA. <see cref="Encode"/> gives one canonical DER
    /// for each key, so two keys are equal when their encodings are.
    /// </summary>
    internal sealed class PublicKeyInfo
    {
        private PublicKeyInfo(EcCurve? curve, byte[]? point, byte[]? modulus, byte[]? exponent)
        {
            Curve = curve;
            Point = point;
            Modulus = modulus;
            Exponent = exponent;
        }

        /// <summary>The curve of an EC key; null for RSA.</summary>
        internal EcCurve? Curve { get; }

        /// <summary>The uncompressed point 04||X||Y of an EC key.</summary>
        internal byte[]? Point { get; }
        internal byte[]? Modulus { get; }
        internal byte[]? Exponent { get; }

        internal static PublicKeyInfo Ec(EcCurve curve, ECPoint q)
        {
            var point = new byte[1 + (2 * curve.FieldBytes)];
            point[0] = 4;
            BigEndian.FixedLength(q.X, curve.FieldBytes).CopyTo(point, 1);
            BigEndian.FixedLength(q.Y, curve.FieldBytes).CopyTo(point, 1 + curve.FieldBytes);
            return new PublicKeyInfo(curve, point, null, null);
        }

        internal static PublicKeyInfo Rsa(RSAParameters parameters) =>
            new PublicKeyInfo(null, null, Unsigned(parameters.Modulus!), Unsigned(parameters.Exponent!));

        /// <summary>Parses a DER SubjectPublicKeyInfo; null when its algorithm, curve or encoding is not one HaPg uses.</summary>
        internal static PublicKeyInfo? TryParse(ReadOnlyMemory<byte> der)
        {
            try
            {
                var spki = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
                var algorithm = spki.ReadSequence();
                var oid = algorithm.ReadObjectIdentifier();
                var parameters = algorithm.HasData && algorithm.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier)
                    ? algorithm.ReadObjectIdentifier() : null;
                var key = spki.ReadBitString(out _);
                if (oid == Oids.EcPublicKey)
                {
                    var curve = EcCurve.ByOid(parameters);
                    return curve is not null && key.Length == 1 + (2 * curve.FieldBytes) && key[0] == 4
                        ? new PublicKeyInfo(curve, key, null, null) : null;
                }

                if (oid == Oids.RsaEncryption)
                {
                    var rsa = new AsnReader(key, AsnEncodingRules.DER).ReadSequence();
                    return new PublicKeyInfo(null, null, Unsigned(rsa.ReadIntegerBytes().ToArray()), Unsigned(rsa.ReadIntegerBytes().ToArray()));
                }
            }
            catch (AsnContentException)
            {
            }

            return null;
        }

        /// <summary>The DER SubjectPublicKeyInfo.</summary>
        internal byte[] Encode()
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                using (writer.PushSequence())
                {
                    if (Curve is not null)
                    {
                        writer.WriteObjectIdentifier(Oids.EcPublicKey);
                        writer.WriteObjectIdentifier(Curve.Oid);
                    }
                    else
                    {
                        writer.WriteObjectIdentifier(Oids.RsaEncryption);
                        writer.WriteNull();
                    }
                }

                writer.WriteBitString(KeyBits());
            }

            return writer.Encode();
        }

        /// <summary>The subjectPublicKey BIT STRING's content: what a key identifier hashes (RFC 5280 4.2.1.2, method 1).</summary>
        internal byte[] KeyBits()
        {
            if (Curve is not null)
            {
                return Point!;
            }

            var rsa = new AsnWriter(AsnEncodingRules.DER);
            using (rsa.PushSequence())
            {
                rsa.WriteIntegerUnsigned(BigEndian.Minimal(Modulus));
                rsa.WriteIntegerUnsigned(BigEndian.Minimal(Exponent));
            }

            return rsa.Encode();
        }

        /// <summary>The SHA-1 of the key bits: the subject key identifier HaPg writes.</summary>
        internal byte[] KeyIdentifier()
        {
            using var sha1 = SHA1.Create();
            return sha1.ComputeHash(KeyBits());
        }

        /// <summary>True when <paramref name="signature"/> (the DER of a certificate's signatureValue) signs data with this key.</summary>
        internal bool Verify(string signatureOid, byte[] data, byte[] signature)
        {
            try
            {
                if (Curve is not null)
                {
                    var curve = EcCurve.BySignatureOid(signatureOid);
                    if (curve is null)
                    {
                        return false;
                    }

                    using var ec = ECDsa.Create(new ECParameters
                    {
                        Curve = Curve.Curve,
                        Q = new ECPoint
                        {
                            X = Point.AsSpan(1, Curve.FieldBytes).ToArray(),
                            Y = Point.AsSpan(1 + Curve.FieldBytes, Curve.FieldBytes).ToArray(),
                        },
                    });
                    return ec.VerifyData(data, EcdsaSignature.ToP1363(signature, Curve.FieldBytes), curve.Hash);
                }

                var hash = RsaHash(signatureOid);
                if (hash is null)
                {
                    return false;
                }

                using var rsa = RSA.Create();
                rsa.ImportParameters(new RSAParameters { Modulus = Modulus, Exponent = Exponent });
                return rsa.VerifyData(data, signature, hash.Value, RSASignaturePadding.Pkcs1);
            }
            catch (CryptographicException)
            {
                return false;
            }
            catch (AsnContentException)
            {
                return false;
            }
        }

        internal static HashAlgorithmName? RsaHash(string signatureOid) =>
            signatureOid == Oids.RsaSha256 ? HashAlgorithmName.SHA256
            : signatureOid == Oids.RsaSha384 ? HashAlgorithmName.SHA384
            : signatureOid == Oids.RsaSha512 ? HashAlgorithmName.SHA512
            : (HashAlgorithmName?)null;

        private static byte[] Unsigned(byte[] value) => BigEndian.Minimal(value).ToArray();
    }
}
