using System;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;

namespace HaPg.Components.Tls
{
    /// <summary>Writes and signs one X.509 v3 certificate (RFC 5280) in DER.</summary>
    internal sealed class CertificateWriter
    {
        internal byte[] IssuerName { get; set; } = Array.Empty<byte>();
        internal byte[] SubjectName { get; set; } = Array.Empty<byte>();
        internal PublicKeyInfo SubjectKey { get; set; } = null!;
        internal DateTimeOffset NotBefore { get; set; }
        internal DateTimeOffset NotAfter { get; set; }
        internal bool IsCa { get; set; }

        /// <summary>The issuer's key identifier, written as the authorityKeyIdentifier; none when null.</summary>
        internal byte[]? AuthorityKeyId { get; set; }
        internal IList<string> DnsNames { get; } = new List<string>();
        internal IList<IPAddress> IpAddresses { get; } = new List<IPAddress>();

        internal byte[] Sign(SigningKey issuerKey)
        {
            var algorithm = issuerKey.SignatureAlgorithm();
            var tbs = new AsnWriter(AsnEncodingRules.DER);
            using (tbs.PushSequence())
            {
                using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    tbs.WriteInteger(2); // v3
                }

                tbs.WriteIntegerUnsigned(NewSerial());
                tbs.WriteEncodedValue(algorithm);
                tbs.WriteEncodedValue(IssuerName);
                using (tbs.PushSequence())
                {
                    WriteTime(tbs, NotBefore);
                    WriteTime(tbs, NotAfter);
                }

                tbs.WriteEncodedValue(SubjectName);
                tbs.WriteEncodedValue(SubjectKey.Encode());
                using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true)))
                {
                    using (tbs.PushSequence())
                    {
                        WriteExtensions(tbs);
                    }
                }
            }

            var tbsDer = tbs.Encode();
            var certificate = new AsnWriter(AsnEncodingRules.DER);
            using (certificate.PushSequence())
            {
                certificate.WriteEncodedValue(tbsDer);
                certificate.WriteEncodedValue(algorithm);
                certificate.WriteBitString(issuerKey.Sign(tbsDer));
            }

            return certificate.Encode();
        }

        private void WriteExtensions(AsnWriter writer)
        {
            Extension(writer, Oids.BasicConstraints, critical: true, value =>
            {
                using (value.PushSequence())
                {
                    if (IsCa)
                    {
                        value.WriteBoolean(true);
                        value.WriteInteger(0); // pathLenConstraint: the CA signs leaf certificates only
                    }
                }
            });

            // keyCertSign (5) + cRLSign (6) for a CA; digitalSignature (0) + keyEncipherment (2) for a node.
            Extension(writer, Oids.KeyUsage, critical: true, value =>
                value.WriteBitString(IsCa ? new byte[] { 0x06 } : new byte[] { 0xA0 }, IsCa ? 1 : 5));

            Extension(writer, Oids.SubjectKeyIdentifier, critical: false, value => value.WriteOctetString(SubjectKey.KeyIdentifier()));
            if (AuthorityKeyId is not null)
            {
                Extension(writer, Oids.AuthorityKeyIdentifier, critical: false, value =>
                {
                    using (value.PushSequence())
                    {
                        value.WriteOctetString(AuthorityKeyId, new Asn1Tag(TagClass.ContextSpecific, 0));
                    }
                });
            }

            if (!IsCa)
            {
                Extension(writer, Oids.ExtendedKeyUsage, critical: false, value =>
                {
                    using (value.PushSequence())
                    {
                        value.WriteObjectIdentifier(Oids.ServerAuth);
                        value.WriteObjectIdentifier(Oids.ClientAuth);
                    }
                });
            }

            if (DnsNames.Count + IpAddresses.Count > 0)
            {
                Extension(writer, Oids.SubjectAltName, critical: false, value =>
                {
                    using (value.PushSequence())
                    {
                        foreach (var name in DnsNames)
                        {
                            value.WriteCharacterString(UniversalTagNumber.IA5String, name, new Asn1Tag(TagClass.ContextSpecific, 2));
                        }

                        foreach (var ip in IpAddresses)
                        {
                            value.WriteOctetString(ip.GetAddressBytes(), new Asn1Tag(TagClass.ContextSpecific, 7));
                        }
                    }
                });
            }
        }

        private static void Extension(AsnWriter writer, string oid, bool critical, Action<AsnWriter> writeValue)
        {
            var value = new AsnWriter(AsnEncodingRules.DER);
            writeValue(value);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(oid);
                if (critical)
                {
                    writer.WriteBoolean(true);
                }

                writer.WriteOctetString(value.Encode());
            }
        }

        /// <summary>RFC 5280: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, UTC.</summary>
        private static void WriteTime(AsnWriter writer, DateTimeOffset time)
        {
            var utc = WholeSeconds(time);
            if (utc.Year < 2050)
            {
                writer.WriteUtcTime(utc);
            }
            else
            {
                writer.WriteGeneralizedTime(utc, omitFractionalSeconds: true);
            }
        }

        internal static DateTimeOffset WholeSeconds(DateTimeOffset time)
        {
            var ticks = time.UtcTicks;
            return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        }

        /// <summary>16 random bytes, positive and of full length (first byte 0x40..0x7F).</summary>
        private static byte[] NewSerial()
        {
            var serial = new byte[16];
            using (var random = RandomNumberGenerator.Create())
            {
                random.GetBytes(serial);
            }

            serial[0] = (byte)((serial[0] & 0x3F) | 0x40);
            return serial;
        }
    }
}
