using System;
using System.Collections.Generic;
using System.Linq;
using HaPg.Inventory;

namespace HaPg.Components.Tls
{
    /// <summary>
    /// Which CA a run uses: the one the session holds (generated earlier, imported with the secrets file, or brought by the
    /// user); else the one deployed on the nodes, whose certificate alone lets certificates stay but not be issued; else a
    /// new one. The chosen certificate (and a new key) go into the session's secrets, so later steps of the pipeline use it.
    /// </summary>
    public static class ClusterCaSource
    {
        /// <param name="deployed">Each node's /etc/hapg/tls/ca.crt, or null where it has none.</param>
        public static ClusterCa Resolve(HaPgInventory inventory, IReadOnlyDictionary<string, string?> deployed, DateTimeOffset now)
        {
            var secrets = inventory.Secrets;
            if (!string.IsNullOrEmpty(secrets.CaCertificatePem))
            {
                return ClusterCa.FromPem(secrets.CaCertificatePem!, secrets.CaPrivateKey?.ToPlainText());
            }

            var found = deployed.Where(d => !string.IsNullOrWhiteSpace(d.Value))
                .Select(d => (Node: d.Key, Info: TryParse(d.Value!), Pem: d.Value!))
                .ToList();
            var distinct = found.GroupBy(f => f.Info?.Sha256Fingerprint ?? "unreadable").ToList();
            if (distinct.Count > 1)
            {
                throw new HaPgValidationException(TlsErrorIds.CaMismatch,
                    "The nodes trust different CAs in " + TlsIdentity.CaPath + ": " +
                    string.Join("; ", distinct.Select(g => $"{g.Key}: {string.Join(", ", g.Select(f => f.Node))}")) +
                    ". Import the secrets file of the CA to keep (Import-HaPgInventory -SecretsPath); its nodes' certificates stay, the others are re-issued.",
                    inventory, System.Management.Automation.ErrorCategory.SecurityError);
            }

            ClusterCa ca;
            if (found.Count > 0)
            {
                ca = ClusterCa.FromPem(found[0].Pem, null);
            }
            else
            {
                ca = ClusterCa.Generate(inventory.ClusterName, now);
                secrets.CaPrivateKey = ca.PrivateKeyPem!.ToSecureString();
            }

            secrets.CaCertificatePem = ca.CertificatePem;
            return ca;
        }

        private static CertificateInfo? TryParse(string pem)
        {
            try
            {
                return CertificateInfo.Parse(pem);
            }
            catch (HaPgException)
            {
                return null;
            }
        }
    }
}
