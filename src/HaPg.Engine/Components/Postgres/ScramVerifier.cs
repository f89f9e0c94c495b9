using System;
using System.Security.Cryptography;
using System.Text;

namespace HaPg.Components.Postgres
{
    /// <summary>
    /// PostgreSQL's SCRAM-SHA-256 password verifier (RFC 5802/7677, as pg_authid.rolpassword stores it):
    /// SCRAM-SHA-256$&lt;iterations&gt;:&lt;salt&gt;$&lt;StoredKey&gt;:&lt;ServerKey&gt;. HaPg sets a role's password as a verifier, so
    /// the password itself never reaches the server, its logs or a command line.
    /// </summary>
    public static class ScramVerifier
    {
        public const int Iterations = 4096;

        public static string Create(string password)
        {
            var salt = new byte[16];
            using (var random = RandomNumberGenerator.Create())
            {
                random.GetBytes(salt);
            }

            return Format(password, salt, Iterations);
        }

        /// <summary>Whether <paramref name="verifier"/> (a rolpassword) was made from <paramref name="password"/>.</summary>
        public static bool Verifies(string? verifier, string password)
        {
            if (verifier is null || !verifier.StartsWith("SCRAM-SHA-256$", StringComparison.Ordinal))
            {
                return false;
            }

            var parts = verifier.Substring("SCRAM-SHA-256$".Length).Split('$');
            var head = parts.Length == 2 ? parts[0].Split(':') : Array.Empty<string>();
            if (head.Length != 2 || !int.TryParse(head[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var iterations)
                || iterations < 1 || iterations > 10_000_000)
            {
                return false;
            }

            try
            {
                return Format(password, Convert.FromBase64String(head[1]), iterations) == verifier;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        private static string Format(string password, byte[] salt, int iterations)
        {
            // PostgreSQL runs SASLprep on the password; HaPg's generated ones are [A-Za-z0-9], which it leaves alone.
            var salted = Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations);
            var clientKey = Hmac(salted, "Client Key");
            byte[] storedKey;
            using (var sha = SHA256.Create())
            {
                storedKey = sha.ComputeHash(clientKey);
            }

            var serverKey = Hmac(salted, "Server Key");
            return "SCRAM-SHA-256$" + iterations.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + Convert.ToBase64String(salt) +
                   "$" + Convert.ToBase64String(storedKey) + ":" + Convert.ToBase64String(serverKey);
        }

        private static byte[] Hmac(byte[] key, string text)
        {
            using var hmac = new HMACSHA256(key);
            return hmac.ComputeHash(Encoding.UTF8.GetBytes(text));
        }

        /// <summary>PBKDF2-HMAC-SHA-256 with one block: the output is exactly one SHA-256 long.</summary>
        private static byte[] Pbkdf2(byte[] password, byte[] salt, int iterations)
        {
            using var hmac = new HMACSHA256(password);
            var block = new byte[salt.Length + 4];
            Buffer.BlockCopy(salt, 0, block, 0, salt.Length);
            block[block.Length - 1] = 1;
            var u = hmac.ComputeHash(block);
            var result = (byte[])u.Clone();
            for (var i = 1; i < iterations; i++)
            {
                u = hmac.ComputeHash(u);
                for (var j = 0; j < result.Length; j++)
                {
                    result[j] ^= u[j];
                }
            }

            return result;
        }
    }
}
