using System;
using System.Collections.Generic;
using System.Security;
using System.Security.Cryptography;

namespace HaPg.Inventory
{
    /// <summary>
    /// Cryptographically strong passwords of [A-Za-z0-9]: safe unquoted in YAML, pgpass, URLs and shell.
    /// 32 characters carry about 190 bits.
    /// </summary>
    public static class SecretGenerator
    {
        public const int DefaultLength = 32;
        public const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

        // The largest multiple of the alphabet size a byte can hold: bytes above it are redrawn, so every character is equally likely.
        private const int Unbiased = 256 - (256 % 62);

        public static string NewPassword(int length = DefaultLength)
        {
            var chars = new char[length];
            var i = 0;
            Generate(length, c => chars[i++] = c);
            return new string(chars);
        }

        public static SecureString NewSecurePassword(int length = DefaultLength)
        {
            var secure = new SecureString();
            Generate(length, secure.AppendChar);
            secure.MakeReadOnly();
            return secure;
        }

        /// <summary>Generates every missing password of <paramref name="secrets"/>; returns the names of those it filled.</summary>
        public static IReadOnlyList<string> FillMissing(HaPgSecrets secrets)
        {
            var filled = new List<string>();
            foreach (var field in HaPgSecrets.Fields)
            {
                if (field.Get(secrets) is null)
                {
                    field.Set(secrets, NewSecurePassword(field.Length));
                    filled.Add(field.Name);
                }
            }

            return filled;
        }

        private static void Generate(int length, Action<char> append)
        {
            if (length < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(length), length, "A password needs at least one character.");
            }

            using var random = RandomNumberGenerator.Create();
            var buffer = new byte[length * 2];
            var produced = 0;
            while (produced < length)
            {
                random.GetBytes(buffer);
                foreach (var b in buffer)
                {
                    if (b < Unbiased && produced < length)
                    {
                        append(Alphabet[b % Alphabet.Length]);
                        produced++;
                    }
                }
            }

            Array.Clear(buffer, 0, buffer.Length);
        }
    }
}
