using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using HaPg.Inventory;

namespace HaPg.Components.Tls
{
    /// <summary>
    /// The session's cluster CA certificate as a file on this machine, for clients that verify servers against a file
    /// (Npgsql's Root Certificate). Public data: written once per CA, named by its hash.
    /// </summary>
    public static class CaFile
    {
        /// <summary>The file's path; HaPg.Tls.NoCa when the session holds no CA (run a step that resolves it first).</summary>
        public static string For(HaPgInventory inventory)
        {
            var pem = inventory.Secrets.CaCertificatePem;
            if (string.IsNullOrEmpty(pem))
            {
                throw new HaPgValidationException(TlsErrorIds.NoCa,
                    "This session holds no cluster CA certificate to verify PostgreSQL with; it is read from the nodes by the installing cmdlets, or imported with the secrets file.",
                    inventory, System.Management.Automation.ErrorCategory.SecurityError);
            }

            using var sha = SHA256.Create();
            var name = "hapg-ca-" + string.Concat(sha.ComputeHash(Encoding.ASCII.GetBytes(pem)).Take(8).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))) + ".crt";
            var path = Path.Combine(Path.GetTempPath(), name);
            if (!File.Exists(path) || File.ReadAllText(path) != pem)
            {
                var temp = path + "." + Guid.NewGuid().ToString("N");
                File.WriteAllText(temp, pem);
                if (File.Exists(path))
                {
                    File.Delete(path);
                }

                File.Move(temp, path);
            }

            return path;
        }
    }
}
