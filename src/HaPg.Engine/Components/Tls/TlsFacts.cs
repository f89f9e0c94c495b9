using System.Collections.Generic;

namespace HaPg.Components.Tls
{
    /// <summary>One node's answers to <see cref="TlsProbe"/>.</summary>
    public sealed class TlsFacts
    {
        /// <summary>Service name to what a plaintext request got back (empty: nothing).</summary>
        public Dictionary<string, string> Plaintext { get; } = new Dictionary<string, string>();

        /// <summary>The HTTP status of an unauthenticated POST /restart ("401" expected); null on a node without Patroni.</summary>
        public string? RestApiUnauthenticated { get; set; }

        /// <summary>"refused: …" or "served: …" for etcdctl without a client certificate; null on a node without etcd.</summary>
        public string? EtcdWithoutCertificate { get; set; }

        /// <summary>Whether the same etcdctl request, with the node's client certificate, was answered; null on a node without etcd.</summary>
        public bool? EtcdWithCertificateServed { get; set; }

        /// <summary>Each certificate file the node holds; null where it could not be read as one.</summary>
        public Dictionary<string, CertificateInfo?> Certificates { get; } = new Dictionary<string, CertificateInfo?>();
    }
}
