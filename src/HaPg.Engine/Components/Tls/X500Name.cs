using System;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.Linq;

namespace HaPg.Components.Tls
{
    /// <summary>X.500 names: HaPg writes a CN alone (UTF8String) and renders any name as "CN=..., O=..." (RFC 4514 order).</summary>
    internal static class X500Name
    {
        private static readonly Dictionary<string, string> ShortNames = new Dictionary<string, string>
        {
            [Oids.CommonName] = "CN",
            ["2.5.4.6"] = "C",
            ["2.5.4.7"] = "L",
            ["2.5.4.8"] = "ST",
            ["2.5.4.10"] = "O",
            ["2.5.4.11"] = "OU",
            ["2.5.4.5"] = "SERIALNUMBER",
            ["1.2.840.113549.1.9.1"] = "E",
            ["0.9.2342.19200300.100.1.25"] = "DC",
        };

        internal static byte[] CommonName(string cn)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                using (writer.PushSetOf())
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(Oids.CommonName);
                        writer.WriteCharacterString(UniversalTagNumber.UTF8String, cn);
                    }
                }
            }

            return writer.Encode();
        }

        /// <summary>The name's RDNs last first, as "CN=node-1, O=Example"; an unreadable value shows as #hex.</summary>
        internal static string Render(ReadOnlyMemory<byte> der)
        {
            var rdns = new List<string>();
            var sequence = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            while (sequence.HasData)
            {
                var set = sequence.ReadSetOf(skipSortOrderValidation: true);
                var parts = new List<string>();
                while (set.HasData)
                {
                    var attribute = set.ReadSequence();
                    var oid = attribute.ReadObjectIdentifier();
                    var value = attribute.ReadEncodedValue();
                    parts.Add((ShortNames.TryGetValue(oid, out var shortName) ? shortName : oid) + "=" + Text(value));
                }

                rdns.Add(string.Join("+", parts));
            }

            rdns.Reverse();
            return string.Join(", ", rdns);
        }

        private static string Text(ReadOnlyMemory<byte> value)
        {
            try
            {
                var reader = new AsnReader(value, AsnEncodingRules.DER);
                var tag = reader.PeekTag();
                if (tag.TagClass == TagClass.Universal)
                {
                    return reader.ReadCharacterString((UniversalTagNumber)tag.TagValue);
                }
            }
            catch (Exception ex) when (ex is AsnContentException || ex is ArgumentException)
            {
            }

            return "#" + string.Concat(value.ToArray().Select(b => b.ToString("x2")));
        }
    }
}
