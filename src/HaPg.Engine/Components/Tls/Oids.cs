namespace HaPg.Components.Tls
{
    /// <summary>The object identifiers the PKI core writes or reads.</summary>
    internal static class Oids
    {
        internal const string CommonName = "2.5.4.3";

        internal const string EcPublicKey = "1.2.840.10045.2.1";
        internal const string RsaEncryption = "1.2.840.113549.1.1.1";

        internal const string EcdsaSha256 = "1.2.840.10045.4.3.2";
        internal const string EcdsaSha384 = "1.2.840.10045.4.3.3";
        internal const string EcdsaSha512 = "1.2.840.10045.4.3.4";
        internal const string RsaSha256 = "1.2.840.113549.1.1.11";
        internal const string RsaSha384 = "1.2.840.113549.1.1.12";
        internal const string RsaSha512 = "1.2.840.113549.1.1.13";

        internal const string SubjectKeyIdentifier = "2.5.29.14";
        internal const string KeyUsage = "2.5.29.15";
        internal const string SubjectAltName = "2.5.29.17";
        internal const string BasicConstraints = "2.5.29.19";
        internal const string AuthorityKeyIdentifier = "2.5.29.35";
        internal const string ExtendedKeyUsage = "2.5.29.37";

        internal const string ServerAuth = "1.3.6.1.5.5.7.3.1";
        internal const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    }
}
