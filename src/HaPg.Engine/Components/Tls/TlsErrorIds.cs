namespace HaPg.Components.Tls
{
    /// <summary>Every error id the PKI core raises (as HaPgValidationException). Docs and tests use these strings; never rename one.</summary>
    public static class TlsErrorIds
    {
        /// <summary>Text that holds no readable PEM block, or a block whose DER is not what its label says.</summary>
        public const string InvalidPem = "HaPg.Tls.InvalidPem";

        /// <summary>A private key HaPg cannot use: encrypted, of another algorithm or curve, or of another format.</summary>
        public const string UnsupportedKey = "HaPg.Tls.UnsupportedKey";

        /// <summary>A certificate given as the cluster CA that may not sign certificates.</summary>
        public const string NotACa = "HaPg.Tls.NotACa";

        /// <summary>A private key whose public part is not the certificate's.</summary>
        public const string KeyMismatch = "HaPg.Tls.KeyMismatch";

        /// <summary>Issuing needs the CA's private key, which this session does not hold.</summary>
        public const string CaKeyMissing = "HaPg.Tls.CaKeyMissing";

        /// <summary>The CA is expired, so it cannot issue.</summary>
        public const string CaExpired = "HaPg.Tls.CaExpired";

        /// <summary>A cluster name, node name or address a certificate cannot carry.</summary>
        public const string InvalidName = "HaPg.Tls.InvalidName";

        /// <summary>The session holds no CA certificate to verify a server with.</summary>
        public const string NoCa = "HaPg.Tls.NoCa";

        /// <summary>The nodes trust different CAs, and the session holds none of them.</summary>
        public const string CaMismatch = "HaPg.Tls.CaMismatch";

        /// <summary>-CaCertificatePath without -CaKeyPath, or the other way round.</summary>
        public const string CaIncomplete = "HaPg.Tls.CaIncomplete";

        /// <summary>A CA file the user gave cannot be read.</summary>
        public const string CaUnreadable = "HaPg.Tls.CaUnreadable";
    }
}
