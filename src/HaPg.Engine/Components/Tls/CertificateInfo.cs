using System;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Security.Cryptography;

namespace HaPg.Components.Tls
{
    /// <summary>What HaPg reads from an X.509 certificate: names, validity, SANs, serial, fingerprint, and the raw parts to verify it.</summary>
    public sealed class CertificateInfo
    {
        private CertificateInfo(byte[] der)
        {
            Der = der;
            var certificate = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            TbsDer = certificate.ReadEncodedValue().ToArray();
            SignatureOid = certificate.ReadSequence().ReadObjectIdentifier();
            Signature = certificate.ReadBitString(out _);
            certificate.ThrowIfNotEmpty();

            var tbs = new AsnReader(TbsDer, AsnEncodingRules.DER).ReadSequence();
            var explicitVersion = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
            if (tbs.PeekTag().HasSameClassAndValue(explicitVersion))
            {
                tbs.ReadSequence(explicitVersion).ReadInteger();
            }

            SerialHex = string.Concat(BigEndian.Minimal(tbs.ReadIntegerBytes().Span).ToArray().Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));
            tbs.ReadSequence();
            IssuerDer = tbs.ReadEncodedValue().ToArray();
            var validity = tbs.ReadSequence();
            NotBefore = Time(validity);
            NotAfter = Time(validity);
            SubjectDer = tbs.ReadEncodedValue().ToArray();
            PublicKeyDer = tbs.ReadEncodedValue().ToArray();
            PublicKey = PublicKeyInfo.TryParse(PublicKeyDer);
            Subject = X500Name.Render(SubjectDer);
            Issuer = X500Name.Render(IssuerDer);

            var dns = new List<string>();
            var ips = new List<string>();
            var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true);
            while (tbs.HasData)
            {
                var tag = tbs.PeekTag();
                if (!tag.HasSameClassAndValue(extensionsTag))
                {
                    tbs.ReadEncodedValue(); // issuerUniqueID, subjectUniqueID
                    continue;
                }

                var extensions = tbs.ReadSequence(extensionsTag).ReadSequence();
                while (extensions.HasData)
                {
                    var extension = extensions.ReadSequence();
                    var oid = extension.ReadObjectIdentifier();
                    if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
                    {
                        extension.ReadBoolean();
                    }

                    var value = new AsnReader(extension.ReadOctetString(), AsnEncodingRules.DER);
                    switch (oid)
                    {
                        case Oids.BasicConstraints:
                            var constraints = value.ReadSequence();
                            IsCa = constraints.HasData && constraints.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && constraints.ReadBoolean();
                            break;
                        case Oids.KeyUsage:
                            var bits = value.ReadBitString(out _);
                            MayCertify = bits.Length > 0 && (bits[0] & 0x04) != 0;
                            break;
                        case Oids.SubjectKeyIdentifier:
                            SubjectKeyId = value.ReadOctetString();
                            break;
                        case Oids.SubjectAltName:
                            ReadNames(value.ReadSequence(), dns, ips);
                            break;
                    }
                }
            }

            DnsNames = dns;
            IpAddresses = ips;
            using var sha256 = SHA256.Create();
            Sha256Fingerprint = string.Join(":", sha256.ComputeHash(der).Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));
        }

        /// <summary>The subject, RFC 4514 style: "CN=node-1" (several RDNs: last first, ", " between).</summary>
        public string Subject { get; }
        public string Issuer { get; }
        public DateTimeOffset NotBefore { get; }
        public DateTimeOffset NotAfter { get; }

        /// <summary>The subjectAltName's dNSNames, in certificate order.</summary>
        public IReadOnlyList<string> DnsNames { get; }

        /// <summary>The subjectAltName's iPAddresses as System.Net.IPAddress writes them ("10.0.0.5", "fd00::5").</summary>
        public IReadOnlyList<string> IpAddresses { get; }

        /// <summary>The serial number in uppercase hex, without leading zeros or separators (as openssl x509 -serial shows it).</summary>
        public string SerialHex { get; }

        /// <summary>SHA-256 of the DER, uppercase hex pairs joined by colons, as openssl x509 -fingerprint -sha256 shows it.</summary>
        public string Sha256Fingerprint { get; }

        /// <summary>True when basicConstraints says CA:TRUE.</summary>
        public bool IsCa { get; }

        internal byte[] Der { get; }
        internal byte[] TbsDer { get; }
        internal string SignatureOid { get; }
        internal byte[] Signature { get; }
        internal byte[] IssuerDer { get; }
        internal byte[] SubjectDer { get; }
        internal byte[] PublicKeyDer { get; }

        /// <summary>The public key, when it is one HaPg understands (EC on a NIST curve, RSA); else null.</summary>
        internal PublicKeyInfo? PublicKey { get; }
        internal byte[]? SubjectKeyId { get; }

        /// <summary>False only when a keyUsage extension is present and lacks keyCertSign.</summary>
        internal bool MayCertify { get; } = true;

        /// <summary>Reads the first CERTIFICATE block of the text; HaPg.Tls.InvalidPem when there is none or it is not X.509.</summary>
        public static CertificateInfo Parse(string pem) => FromDer(Pem.Decode(pem, Pem.Certificate));

        public static CertificateInfo FromDer(byte[] der)
        {
            try
            {
                return new CertificateInfo(der.ToArray());
            }
            catch (Exception ex) when (ex is AsnContentException || ex is CryptographicException || ex is ArgumentException)
            {
                throw new HaPgValidationException(TlsErrorIds.InvalidPem, "The CERTIFICATE block is not a readable X.509 certificate.", Pem.Certificate);
            }
        }

        /// <summary>A copy of the DER.</summary>
        public byte[] GetRawData() => Der.ToArray();

        public string ToPem() => Pem.Encode(Pem.Certificate, Der);

        public override string ToString() =>
            $"{Subject}, issued by {Issuer}, valid {NotBefore.UtcDateTime:yyyy-MM-dd} to {NotAfter.UtcDateTime:yyyy-MM-dd}";

        private static DateTimeOffset Time(AsnReader validity) =>
            validity.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? validity.ReadUtcTime() : validity.ReadGeneralizedTime();

        private static void ReadNames(AsnReader names, List<string> dns, List<string> ips)
        {
            var dnsTag = new Asn1Tag(TagClass.ContextSpecific, 2);
            var ipTag = new Asn1Tag(TagClass.ContextSpecific, 7);
            while (names.HasData)
            {
                var tag = names.PeekTag();
                if (tag == dnsTag)
                {
                    dns.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, dnsTag));
                }
                else if (tag == ipTag)
                {
                    var bytes = names.ReadOctetString(ipTag);
                    if (bytes.Length == 4 || bytes.Length == 16)
                    {
                        ips.Add(new IPAddress(bytes).ToString());
                    }
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }
        }
    }
}
