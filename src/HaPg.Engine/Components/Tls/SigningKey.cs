using System;
using System.Formats.Asn1;
using System.Security.Cryptography;

namespace HaPg.Components.Tls
{
    /// <summary>A private key: EC on a NIST curve (ECDSA with the curve's hash) or RSA (PKCS#1 v1.5 with SHA-256).</summary>
    internal sealed class SigningKey : IDisposable
    {
        private readonly ECDsa? ec;
        private readonly EcCurve? curve;
        private readonly RSA? rsa;

        private SigningKey(ECDsa ec, EcCurve curve)
        {
            this.ec = ec;
            this.curve = curve;
            PublicKey = PublicKeyInfo.Ec(curve, ec.ExportParameters(false).Q);
        }

        private SigningKey(RSA rsa)
        {
            this.rsa = rsa;
            PublicKey = PublicKeyInfo.Rsa(rsa.ExportParameters(false));
        }

        internal PublicKeyInfo PublicKey { get; }

        internal static SigningKey NewP256() => new SigningKey(ECDsa.Create(EcCurve.P256.Curve), EcCurve.P256);

        /// <summary>Takes ownership of <paramref name="parameters"/>' private scalar and clears it.</summary>
        internal static SigningKey FromEc(EcCurve curve, ECParameters parameters)
        {
            try
            {
                return new SigningKey(ECDsa.Create(parameters), curve);
            }
            finally
            {
                Clear(parameters.D);
            }
        }

        /// <summary>Takes ownership of <paramref name="parameters"/>' private numbers and clears them.</summary>
        internal static SigningKey FromRsa(RSAParameters parameters)
        {
            var key = RSA.Create();
            try
            {
                key.ImportParameters(parameters);
                return new SigningKey(key);
            }
            catch
            {
                key.Dispose();
                throw;
            }
            finally
            {
                Clear(parameters);
            }
        }

        /// <summary>The DER AlgorithmIdentifier of the signatures this key makes.</summary>
        internal byte[] SignatureAlgorithm()
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                if (curve is not null)
                {
                    writer.WriteObjectIdentifier(curve.SignatureOid);
                }
                else
                {
                    writer.WriteObjectIdentifier(Oids.RsaSha256);
                    writer.WriteNull();
                }
            }

            return writer.Encode();
        }

        /// <summary>The signature as a certificate's signatureValue carries it (DER for ECDSA).</summary>
        internal byte[] Sign(byte[] data) =>
            ec is not null
                ? EcdsaSignature.ToDer(ec.SignData(data, curve!.Hash))
                : rsa!.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        /// <summary>The key as PKCS#8 "PRIVATE KEY" PEM, unencrypted.</summary>
        internal string ToPkcs8Pem()
        {
            var inner = ec is not null ? EcPrivateKey() : RsaPrivateKey();
            var writer = new AsnWriter(AsnEncodingRules.DER);
            try
            {
                using (writer.PushSequence())
                {
                    writer.WriteInteger(0);
                    using (writer.PushSequence())
                    {
                        if (curve is not null)
                        {
                            writer.WriteObjectIdentifier(Oids.EcPublicKey);
                            writer.WriteObjectIdentifier(curve.Oid);
                        }
                        else
                        {
                            writer.WriteObjectIdentifier(Oids.RsaEncryption);
                            writer.WriteNull();
                        }
                    }

                    writer.WriteOctetString(inner);
                }

                var der = writer.Encode();
                try
                {
                    return Pem.Encode(Pem.PrivateKey, der);
                }
                finally
                {
                    Clear(der);
                }
            }
            finally
            {
                Clear(inner);
                writer.Reset();
            }
        }

        public void Dispose()
        {
            ec?.Dispose();
            rsa?.Dispose();
        }

        // SEC1 ECPrivateKey without the curve (PKCS#8 names it) and with the public point.
        private byte[] EcPrivateKey()
        {
            var parameters = ec!.ExportParameters(true);
            var d = BigEndian.FixedLength(parameters.D, curve!.FieldBytes);
            var writer = new AsnWriter(AsnEncodingRules.DER);
            try
            {
                using (writer.PushSequence())
                {
                    writer.WriteInteger(1);
                    writer.WriteOctetString(d);
                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
                    {
                        writer.WriteBitString(PublicKey.Point);
                    }
                }

                return writer.Encode();
            }
            finally
            {
                Clear(d);
                Clear(parameters.D);
                writer.Reset();
            }
        }

        // PKCS#1 RSAPrivateKey.
        private byte[] RsaPrivateKey()
        {
            var parameters = rsa!.ExportParameters(true);
            var writer = new AsnWriter(AsnEncodingRules.DER);
            try
            {
                using (writer.PushSequence())
                {
                    writer.WriteInteger(0);
                    foreach (var number in new[] { parameters.Modulus, parameters.Exponent, parameters.D, parameters.P, parameters.Q, parameters.DP, parameters.DQ, parameters.InverseQ })
                    {
                        writer.WriteIntegerUnsigned(BigEndian.Minimal(number));
                    }
                }

                return writer.Encode();
            }
            finally
            {
                Clear(parameters);
                writer.Reset();
            }
        }

        private static void Clear(RSAParameters parameters)
        {
            Clear(parameters.D);
            Clear(parameters.P);
            Clear(parameters.Q);
            Clear(parameters.DP);
            Clear(parameters.DQ);
            Clear(parameters.InverseQ);
        }

        internal static void Clear(byte[]? bytes)
        {
            if (bytes is not null)
            {
                Array.Clear(bytes, 0, bytes.Length);
            }
        }
    }
}
