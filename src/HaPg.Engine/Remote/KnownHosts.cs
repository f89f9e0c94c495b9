using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace HaPg.Remote
{
    public enum HostKeyStatus
    {
        /// <summary>known_hosts has this very key for the host.</summary>
        Trusted,

        /// <summary>known_hosts has no key of this type for the host.</summary>
        Unknown,

        /// <summary>known_hosts has a different key of this type for the host: it changed.</summary>
        Mismatch,

        /// <summary>The key is marked @revoked.</summary>
        Revoked,
    }

    /// <summary>The result of looking a host key up; RecordedFingerprint is set on a mismatch.</summary>
    public sealed class HostKeyCheck
    {
        internal HostKeyCheck(HostKeyStatus status, string? recordedFingerprint = null)
        {
            Status = status;
            RecordedFingerprint = recordedFingerprint;
        }

        public HostKeyStatus Status { get; }

        /// <summary>SHA256:... of the key known_hosts has instead.</summary>
        public string? RecordedFingerprint { get; }
    }

    /// <summary>
    /// An OpenSSH known_hosts file: plain and wildcard patterns, comma lists, negation, [host]:port,
    /// hashed |1|salt|hash entries, @revoked (refused) and @cert-authority (ignored) lines.
    /// </summary>
    public sealed class KnownHostsFile
    {
        private readonly List<Entry> entries;

        private KnownHostsFile(string path, List<Entry> entries)
        {
            Path = path;
            this.entries = entries;
        }

        public string Path { get; }

        public int Count => entries.Count;

        /// <summary>~/.ssh/known_hosts.</summary>
        public static string DefaultPath =>
            System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "known_hosts");

        /// <summary>The configured path with ~ expanded, or the default.</summary>
        public static string ResolvePath(string? configured)
        {
            if (string.IsNullOrWhiteSpace(configured))
            {
                return DefaultPath;
            }

            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return configured == "~" ? home
                : configured!.StartsWith("~/", StringComparison.Ordinal) ? System.IO.Path.Combine(home, configured.Substring(2))
                : System.IO.Path.GetFullPath(configured);
        }

        /// <summary>Reads the file; a missing file is empty.</summary>
        public static KnownHostsFile Load(string path) =>
            Parse(File.Exists(path) ? File.ReadAllText(path) : string.Empty, path);

        public static KnownHostsFile Parse(string text, string path)
        {
            var entries = new List<Entry>();
            foreach (var raw in text.Split('\n'))
            {
                var fields = raw.Trim().Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length == 0 || fields[0].StartsWith("#", StringComparison.Ordinal))
                {
                    continue;
                }

                var revoked = false;
                if (fields[0].StartsWith("@", StringComparison.Ordinal))
                {
                    if (fields[0] != "@revoked")
                    {
                        continue; // @cert-authority: HaPg does not use host certificates.
                    }

                    revoked = true;
                    fields = fields.Skip(1).ToArray();
                }

                if (fields.Length < 3 || !TryDecode(fields[2], out var blob))
                {
                    continue;
                }

                entries.Add(new Entry(fields[0], fields[1], blob, revoked));
            }

            return new KnownHostsFile(path, entries);
        }

        /// <summary>Looks a host key up the way ssh does for host (port 22) or [host]:port.</summary>
        public HostKeyCheck Check(string host, int port, byte[] keyBlob)
        {
            var name = HostName(host, port);
            var keyType = HostKeyFingerprint.KeyType(keyBlob);
            var matching = entries.Where(e => e.Matches(name)).ToList();
            if (matching.Any(e => e.Revoked && e.Key.SequenceEqual(keyBlob)))
            {
                return new HostKeyCheck(HostKeyStatus.Revoked);
            }

            var sameType = matching.Where(e => !e.Revoked && e.KeyType == keyType).ToList();
            if (sameType.Any(e => e.Key.SequenceEqual(keyBlob)))
            {
                return new HostKeyCheck(HostKeyStatus.Trusted);
            }

            return sameType.Count > 0
                ? new HostKeyCheck(HostKeyStatus.Mismatch, HostKeyFingerprint.Sha256(sameType[0].Key))
                : new HostKeyCheck(HostKeyStatus.Unknown);
        }

        /// <summary>Key types recorded for the host (e.g. ssh-ed25519), to prefer them when negotiating.</summary>
        public IReadOnlyCollection<string> KeyTypesFor(string host, int port)
        {
            var name = HostName(host, port);
            return entries.Where(e => !e.Revoked && e.Matches(name)).Select(e => e.KeyType).Distinct().ToList();
        }

        /// <summary>
        /// Appends "host key-type base64" in one write (O_APPEND). Creates the directory (0700) and
        /// the file (0600) when missing.
        /// </summary>
        public static void Append(string path, string host, int port, byte[] keyBlob)
        {
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
            if (!Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory);
                UnixFile.SetMode(directory, UnixFile.OwnerOnlyDirectory);
            }

            var line = $"{HostName(host, port)} {HostKeyFingerprint.KeyType(keyBlob)} {Convert.ToBase64String(keyBlob)}\n";
            if (File.Exists(path) && !EndsWithNewline(path))
            {
                line = "\n" + line;
            }

            UnixFile.Append(path, Encoding.ASCII.GetBytes(line), UnixFile.OwnerOnlyFile);
        }

        /// <summary>host for port 22, else [host]:port, as ssh writes and looks up.</summary>
        public static string HostName(string host, int port) => port == 22 ? host : $"[{host}]:{port}";

        private static bool EndsWithNewline(string path)
        {
            using var stream = File.OpenRead(path);
            if (stream.Length == 0)
            {
                return true;
            }

            stream.Seek(-1, SeekOrigin.End);
            return stream.ReadByte() == '\n';
        }

        private static bool TryDecode(string base64, out byte[] blob)
        {
            try
            {
                blob = Convert.FromBase64String(base64);
                return blob.Length > 4;
            }
            catch (FormatException)
            {
                blob = Array.Empty<byte>();
                return false;
            }
        }

        private sealed class Entry
        {
            private readonly string hosts;

            internal Entry(string hosts, string keyType, byte[] key, bool revoked)
            {
                this.hosts = hosts;
                KeyType = keyType;
                Key = key;
                Revoked = revoked;
            }

            internal string KeyType { get; }
            internal byte[] Key { get; }
            internal bool Revoked { get; }

            internal bool Matches(string name)
            {
                if (hosts.StartsWith("|1|", StringComparison.Ordinal))
                {
                    return MatchesHashed(name);
                }

                var matched = false;
                foreach (var pattern in hosts.Split(','))
                {
                    var negated = pattern.StartsWith("!", StringComparison.Ordinal);
                    if (Wildcard(negated ? pattern.Substring(1) : pattern, name))
                    {
                        if (negated)
                        {
                            return false;
                        }

                        matched = true;
                    }
                }

                return matched;
            }

            private bool MatchesHashed(string name)
            {
                var parts = hosts.Split('|'); // "", "1", salt, hash
                if (parts.Length != 4 || !TryDecode(parts[2], out var salt) || !TryDecode(parts[3], out var hash))
                {
                    return false;
                }

                using var hmac = new HMACSHA1(salt);
                return hmac.ComputeHash(Encoding.UTF8.GetBytes(name)).SequenceEqual(hash);
            }

            // ssh's match_pattern: * and ?, case-insensitive.
            private static bool Wildcard(string pattern, string text)
            {
                int p = 0, t = 0, star = -1, mark = 0;
                while (t < text.Length)
                {
                    if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t])))
                    {
                        p++;
                        t++;
                    }
                    else if (p < pattern.Length && pattern[p] == '*')
                    {
                        star = p++;
                        mark = t;
                    }
                    else if (star >= 0)
                    {
                        p = star + 1;
                        t = ++mark;
                    }
                    else
                    {
                        return false;
                    }
                }

                while (p < pattern.Length && pattern[p] == '*')
                {
                    p++;
                }

                return p == pattern.Length;
            }
        }
    }

    /// <summary>SSH public key blob helpers. Fingerprints are SHA256 only, as ssh prints them.</summary>
    public static class HostKeyFingerprint
    {
        public const string Prefix = "SHA256:";

        /// <summary>"SHA256:" + unpadded base64 of SHA256(blob), like ssh-keygen -l.</summary>
        public static string Sha256(byte[] keyBlob)
        {
            using var sha = SHA256.Create();
            return Prefix + Convert.ToBase64String(sha.ComputeHash(keyBlob)).TrimEnd('=');
        }

        /// <summary>Adds the SHA256: prefix and drops base64 padding, so pins compare with Sha256().</summary>
        public static string Normalize(string fingerprint)
        {
            var value = fingerprint.Trim();
            if (value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                value = value.Substring(Prefix.Length);
            }

            return Prefix + value.TrimEnd('=');
        }

        /// <summary>The key type named inside the blob, e.g. ssh-ed25519 or ecdsa-sha2-nistp256.</summary>
        public static string KeyType(byte[] keyBlob)
        {
            if (keyBlob.Length < 4)
            {
                return string.Empty;
            }

            var length = (keyBlob[0] << 24) | (keyBlob[1] << 16) | (keyBlob[2] << 8) | keyBlob[3];
            return length > 0 && length <= keyBlob.Length - 4 ? Encoding.ASCII.GetString(keyBlob, 4, length) : string.Empty;
        }
    }
}
