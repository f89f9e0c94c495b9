using System.Linq;
using System.Security.Cryptography;

namespace HaPg.Components.Tls
{
    /// <summary>The named NIST curves a CA key may use, with the hash and signature algorithm that go with each.</summary>
    internal sealed class EcCurve
    {
        internal static readonly EcCurve P256 = new EcCurve("1.2.840.10045.3.1.7", 32, HashAlgorithmName.SHA256, Oids.EcdsaSha256);
        internal static readonly EcCurve P384 = new EcCurve("1.3.132.0.34", 48, HashAlgorithmName.SHA384, Oids.EcdsaSha384);
        internal static readonly EcCurve P521 = new EcCurve("1.3.132.0.35", 66, HashAlgorithmName.SHA512, Oids.EcdsaSha512);

        private static readonly EcCurve[] All = { P256, P384, P521 };

        private EcCurve(string oid, int fieldBytes, HashAlgorithmName hash, string signatureOid)
        {
            Oid = oid;
            FieldBytes = fieldBytes;
            Hash = hash;
            SignatureOid = signatureOid;
        }

        internal string Oid { get; }

        /// <summary>The length of a coordinate, of the private scalar and of each half of a P1363 signature.</summary>
        internal int FieldBytes { get; }
        internal HashAlgorithmName Hash { get; }
        internal string SignatureOid { get; }

        internal ECCurve Curve =>
            Oid == P256.Oid ? ECCurve.NamedCurves.nistP256 : Oid == P384.Oid ? ECCurve.NamedCurves.nistP384 : ECCurve.NamedCurves.nistP521;

        internal static EcCurve? ByOid(string? oid) => All.FirstOrDefault(c => c.Oid == oid);

        internal static EcCurve? BySignatureOid(string oid) => All.FirstOrDefault(c => c.SignatureOid == oid);
    }
}
