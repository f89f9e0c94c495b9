namespace HaPg.Components.Tls
{
    /// <summary>A node certificate and its new private key, as the cluster CA issued them.</summary>
    public sealed class IssuedCertificate
    {
        internal IssuedCertificate(string certificatePem, string privateKeyPem, CertificateInfo info)
        {
            CertificatePem = certificatePem;
            PrivateKeyPem = privateKeyPem;
            Info = info;
        }

        public string CertificatePem { get; }

        /// <summary>The node's private key, PKCS#8 "PRIVATE KEY" PEM, unencrypted: a secret, deploy it mode 0600 and never log it.</summary>
        public string PrivateKeyPem { get; }

        public CertificateInfo Info { get; }

        public override string ToString() => $"{Info} (serial {Info.SerialHex})";
    }
}
