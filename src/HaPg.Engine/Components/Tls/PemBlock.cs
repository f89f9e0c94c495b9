namespace HaPg.Components.Tls
{
    /// <summary>One "-----BEGIN label-----" block: its label, whether it had RFC 1421 headers (Proc-Type: ...), its DER.</summary>
    public sealed class PemBlock
    {
        internal PemBlock(string label, bool hasHeaders, byte[] data)
        {
            Label = label;
            HasHeaders = hasHeaders;
            Data = data;
        }

        public string Label { get; }

        /// <summary>True when the block carried headers, as OpenSSL's traditionally encrypted keys do (Proc-Type: 4,ENCRYPTED).</summary>
        public bool HasHeaders { get; }

        /// <summary>The decoded bytes. For a key, clear them (Array.Clear) when done.</summary>
        public byte[] Data { get; }

        public override string ToString() => $"PEM {Label} ({Data.Length} bytes)";
    }
}
