using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace HaPg.Components.Tls
{
    /// <summary>PEM (RFC 7468): "-----BEGIN label-----", base64 in lines of 64, "-----END label-----", "\n" line ends.</summary>
    public static class Pem
    {
        public const string Certificate = "CERTIFICATE";
        public const string PrivateKey = "PRIVATE KEY";

        private const string Dashes = "-----";

        public static string Encode(string label, byte[] der)
        {
            var base64 = Convert.ToBase64String(der);
            var text = new StringBuilder(base64.Length + (base64.Length / 64) + (2 * label.Length) + 40);
            text.Append(Dashes).Append("BEGIN ").Append(label).Append(Dashes).Append('\n');
            for (var i = 0; i < base64.Length; i += 64)
            {
                text.Append(base64, i, Math.Min(64, base64.Length - i)).Append('\n');
            }

            text.Append(Dashes).Append("END ").Append(label).Append(Dashes).Append('\n');
            return text.ToString();
        }

        /// <summary>The bytes of the first block labelled <paramref name="label"/>; HaPg.Tls.InvalidPem when there is none.</summary>
        public static byte[] Decode(string? text, string label) =>
            Blocks(text).FirstOrDefault(b => b.Label == label)?.Data
            ?? throw new HaPgValidationException(TlsErrorIds.InvalidPem, $"The text holds no PEM block '{label}'.", label);

        /// <summary>Every well-formed block in the text, in order; text around and between them is ignored.</summary>
        public static IReadOnlyList<PemBlock> Blocks(string? text)
        {
            var blocks = new List<PemBlock>();
            if (string.IsNullOrEmpty(text))
            {
                return blocks;
            }

            var position = 0;
            while (true)
            {
                var begin = text!.IndexOf(Dashes + "BEGIN ", position, StringComparison.Ordinal);
                if (begin < 0)
                {
                    return blocks;
                }

                var labelStart = begin + Dashes.Length + "BEGIN ".Length;
                var labelEnd = text.IndexOf(Dashes, labelStart, StringComparison.Ordinal);
                if (labelEnd < 0)
                {
                    return blocks;
                }

                var label = text.Substring(labelStart, labelEnd - labelStart);
                var end = Dashes + "END " + label + Dashes;
                var bodyStart = labelEnd + Dashes.Length;
                var bodyEnd = text.IndexOf(end, bodyStart, StringComparison.Ordinal);
                if (label.IndexOf('\n') >= 0 || bodyEnd < 0)
                {
                    position = bodyStart;
                    continue;
                }

                var body = text.Substring(bodyStart, bodyEnd - bodyStart);
                var hasHeaders = body.IndexOf(':') >= 0;
                if (hasHeaders)
                {
                    // RFC 1421 headers end at the first empty line.
                    var blank = body.Replace("\r\n", "\n").IndexOf("\n\n", StringComparison.Ordinal);
                    body = blank < 0 ? string.Empty : body.Replace("\r\n", "\n").Substring(blank + 2);
                }

                var data = TryBase64(body);
                if (data is not null && data.Length > 0)
                {
                    blocks.Add(new PemBlock(label, hasHeaders, data));
                }

                position = bodyEnd + end.Length;
            }
        }

        private static byte[]? TryBase64(string body)
        {
            var compact = new StringBuilder(body.Length);
            foreach (var c in body)
            {
                if (!char.IsWhiteSpace(c))
                {
                    compact.Append(c);
                }
            }

            try
            {
                return Convert.FromBase64String(compact.ToString());
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}
