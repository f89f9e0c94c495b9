using System;
using System.IO;
using System.Linq;
using HaPg.Inventory;
using HaPg.Remote;
using Xunit;

namespace HaPg.Tests.Remote
{
    public sealed class KnownHostsTests : IDisposable
    {
        private readonly string dir = Path.Combine(Path.GetTempPath(), "hapg-kh-" + Guid.NewGuid().ToString("N"));
        private readonly (string Line, byte[] Blob, string Fingerprint) a, b, rsa;

        public KnownHostsTests()
        {
            Directory.CreateDirectory(dir);
            a = Key("ed25519", "a");
            b = Key("ed25519", "b");
            rsa = Key("rsa", "r");
        }

        private (string Line, byte[] Blob, string Fingerprint) Key(string type, string name)
        {
            var path = Path.Combine(dir, name);
            TestSshd.Process("ssh-keygen", "-q", "-t", type, "-N", "", "-f", path);
            var fields = File.ReadAllText(path + ".pub").Split(' ');
            return (fields[0] + " " + fields[1], Convert.FromBase64String(fields[1]), TestSshd.Process("ssh-keygen", "-lf", path + ".pub").Split(' ')[1]);
        }

        private KnownHostsFile Parse(string text) => KnownHostsFile.Parse(text, Path.Combine(dir, "known_hosts"));

        [Fact]
        public void FingerprintMatchesSshKeygen()
        {
            Assert.Equal(a.Fingerprint, HostKeyFingerprint.Sha256(a.Blob));
            Assert.Equal(rsa.Fingerprint, HostKeyFingerprint.Sha256(rsa.Blob));
            Assert.Equal("ssh-ed25519", HostKeyFingerprint.KeyType(a.Blob));
            Assert.Equal(a.Fingerprint, HostKeyFingerprint.Normalize(a.Fingerprint.Substring(7) + "="));
        }

        [Fact]
        public void PlainCommaListsWildcardsAndPorts()
        {
            var file = Parse($"# comment\n\nweb1,10.0.0.5 {a.Line}\n[10.0.0.6]:2222 {a.Line}\n*.lab,!bad.lab {a.Line}\n");
            Assert.Equal(HostKeyStatus.Trusted, file.Check("10.0.0.5", 22, a.Blob).Status);
            Assert.Equal(HostKeyStatus.Trusted, file.Check("WEB1", 22, a.Blob).Status);
            Assert.Equal(HostKeyStatus.Unknown, file.Check("10.0.0.5", 2222, a.Blob).Status);
            Assert.Equal(HostKeyStatus.Trusted, file.Check("10.0.0.6", 2222, a.Blob).Status);
            Assert.Equal(HostKeyStatus.Unknown, file.Check("10.0.0.6", 22, a.Blob).Status);
            Assert.Equal(HostKeyStatus.Trusted, file.Check("pg1.lab", 22, a.Blob).Status);
            Assert.Equal(HostKeyStatus.Unknown, file.Check("bad.lab", 22, a.Blob).Status);
        }

        [Fact]
        public void ChangedKeyIsMismatchWithTheRecordedFingerprintButOtherTypesAreUnknown()
        {
            var file = Parse($"web1 {a.Line}\n");
            var check = file.Check("web1", 22, b.Blob);
            Assert.Equal(HostKeyStatus.Mismatch, check.Status);
            Assert.Equal(a.Fingerprint, check.RecordedFingerprint);
            Assert.Equal(HostKeyStatus.Unknown, file.Check("web1", 22, rsa.Blob).Status);
            Assert.Equal(new[] { "ssh-ed25519" }, file.KeyTypesFor("web1", 22));
        }

        [Fact]
        public void HashedEntriesFromSshKeygenMatch()
        {
            var path = Path.Combine(dir, "hashed");
            File.WriteAllText(path, $"web1 {a.Line}\n[10.0.0.6]:2222 {b.Line}\n");
            TestSshd.Process("ssh-keygen", "-q", "-H", "-f", path);
            var text = File.ReadAllText(path);
            Assert.DoesNotContain("web1", text);
            var file = KnownHostsFile.Load(path);
            Assert.Equal(HostKeyStatus.Trusted, file.Check("web1", 22, a.Blob).Status);
            Assert.Equal(HostKeyStatus.Trusted, file.Check("10.0.0.6", 2222, b.Blob).Status);
            Assert.Equal(HostKeyStatus.Mismatch, file.Check("web1", 22, b.Blob).Status);
            Assert.Equal(HostKeyStatus.Unknown, file.Check("web2", 22, a.Blob).Status);
        }

        [Fact]
        public void RevokedIsRefusedAndCertAuthorityIgnored()
        {
            var file = Parse($"@revoked * {a.Line}\nweb1 {a.Line}\n@cert-authority *.lab {b.Line}\n");
            Assert.Equal(HostKeyStatus.Revoked, file.Check("web1", 22, a.Blob).Status);
            Assert.Equal(HostKeyStatus.Unknown, file.Check("x.lab", 22, b.Blob).Status);
        }

        [Fact]
        public void AppendCreatesPrivateDirectoryAndFileAndUsesBracketsForOtherPorts()
        {
            var path = Path.Combine(dir, "new", "known_hosts");
            KnownHostsFile.Append(path, "10.0.0.7", 22, a.Blob);
            KnownHostsFile.Append(path, "10.0.0.7", 2222, b.Blob);
            Assert.Equal($"10.0.0.7 {a.Line}\n[10.0.0.7]:2222 {b.Line}\n", File.ReadAllText(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
            Assert.Equal(HostKeyStatus.Trusted, KnownHostsFile.Load(path).Check("10.0.0.7", 2222, b.Blob).Status);

            // ssh-keygen -F finds what HaPg wrote.
            Assert.Contains("10.0.0.7", TestSshd.Process("ssh-keygen", "-F", "[10.0.0.7]:2222", "-f", path));
        }

        [Fact]
        public void AppendAddsAMissingFinalNewline()
        {
            var path = Path.Combine(dir, "nonl");
            File.WriteAllText(path, $"web1 {a.Line}");
            KnownHostsFile.Append(path, "web2", 22, b.Blob);
            Assert.Equal(new[] { $"web1 {a.Line}", $"web2 {b.Line}" }, File.ReadAllLines(path));
        }

        [Fact]
        public void PolicyTrustsKnownOrPinnedAcceptsUnknownOnlyWhenAskedAndNeverAChange()
        {
            var node = new HaPgNode { Name = "n1", Address = "web1" };
            var file = Parse($"web1 {a.Line}\n");
            Assert.Equal(HostKeyVerdict.Known, new HostKeyPolicy(file, node, false).Decide(a.Blob).Verdict);
            Assert.Equal(HostKeyVerdict.Unknown, new HostKeyPolicy(file, node, false).Decide(rsa.Blob).Verdict);
            var accepted = new HostKeyPolicy(file, node, true).Decide(rsa.Blob);
            Assert.True(accepted.Trust && accepted.Record);
            var changed = new HostKeyPolicy(file, node, true).Decide(b.Blob);
            Assert.False(changed.Trust);
            var error = changed.ToException(node, file.Path)!;
            Assert.Equal(RemoteErrorId.HostKeyMismatch, error.ErrorId);
            Assert.Contains(a.Fingerprint, error.Message);
            Assert.Contains(b.Fingerprint, error.Message);
            Assert.DoesNotContain("MD5", error.Message);

            var pinned = new HaPgNode { Name = "n2", Address = "web9", HostKeySha256 = b.Fingerprint };
            Assert.Equal(HostKeyVerdict.Pinned, new HostKeyPolicy(file, pinned, false).Decide(b.Blob).Verdict);
            Assert.Equal(HostKeyVerdict.Mismatch, new HostKeyPolicy(file, pinned, true).Decide(a.Blob).Verdict);
        }

        [Fact]
        public void WithAPasswordAnUnknownKeyIsAcceptedOnlyWhenItsFingerprintWasConfirmed()
        {
            var node = new HaPgNode { Name = "n1", Address = "web1" };
            var file = Parse($"web1 {a.Line}\n");

            // Key-based: -AcceptHostKey trusts and records an unknown key, as before.
            Assert.Equal(HostKeyVerdict.AcceptedNew, new HostKeyPolicy(file, node, true, sendsPassword: false).Decide(rsa.Blob).Verdict);

            // A password would go to it: refused before authenticating, unless that very fingerprint was confirmed.
            var refused = new HostKeyPolicy(file, node, true, sendsPassword: true).Decide(rsa.Blob);
            Assert.Equal(HostKeyVerdict.UnverifiedWithPassword, refused.Verdict);
            Assert.False(refused.Trust);
            var error = refused.ToException(node, file.Path)!;
            Assert.Equal(RemoteErrorId.UnverifiedKeyWithPassword, error.ErrorId);
            Assert.Equal("HaPg.Connection.UnverifiedKeyWithPassword", error.ErrorId);
            Assert.Contains(rsa.Fingerprint, error.Message);
            Assert.Contains("HostKeySha256", error.Message);

            Assert.Equal(HostKeyVerdict.UnverifiedWithPassword,
                new HostKeyPolicy(file, node, true, sendsPassword: true, confirmedFingerprint: b.Fingerprint).Decide(rsa.Blob).Verdict);
            var confirmed = new HostKeyPolicy(file, node, true, sendsPassword: true, confirmedFingerprint: rsa.Fingerprint).Decide(rsa.Blob);
            Assert.True(confirmed.Trust && confirmed.Record);

            // Known, pinned, changed and not-accepted keys decide as before, password or not.
            Assert.Equal(HostKeyVerdict.Known, new HostKeyPolicy(file, node, true, sendsPassword: true).Decide(a.Blob).Verdict);
            Assert.Equal(HostKeyVerdict.Unknown, new HostKeyPolicy(file, node, false, sendsPassword: true).Decide(rsa.Blob).Verdict);
            Assert.Equal(HostKeyVerdict.Mismatch, new HostKeyPolicy(file, node, true, sendsPassword: true, confirmedFingerprint: b.Fingerprint).Decide(b.Blob).Verdict);
            var pinned = new HaPgNode { Name = "n2", Address = "web9", HostKeySha256 = b.Fingerprint };
            Assert.Equal(HostKeyVerdict.Pinned, new HostKeyPolicy(file, pinned, true, sendsPassword: true).Decide(b.Blob).Verdict);
        }

        [Fact]
        public void APasswordIsSentForPasswordLoginOrPasswordSudoOnly()
        {
            var password = new System.Management.Automation.PSCredential("admin", "pw".ToSecureString());
            var node = new HaPgNode { Name = "n1", Address = "web1", User = "admin" };
            var keyed = new HaPgNode { Name = "n2", Address = "web2", User = "admin", KeyPath = "/keys/id" };
            var inventory = new HaPgInventory { Nodes = { node, keyed } };

            Assert.Null(HostKeyPolicy.PasswordsSentTo(inventory, node)); // the default keys of ~/.ssh
            Assert.Null(HostKeyPolicy.PasswordsSentTo(inventory, keyed));

            inventory.Credential = password; // a password login where no key path is given; a key's passphrase stays here
            Assert.Equal("the SSH password", HostKeyPolicy.PasswordsSentTo(inventory, node));
            Assert.Null(HostKeyPolicy.PasswordsSentTo(inventory, keyed));

            inventory.SudoPassword = "sudo".ToSecureString(); // sudo mode Password: it goes to the host on stdin
            Assert.Equal("the SSH password and the sudo password", HostKeyPolicy.PasswordsSentTo(inventory, node));
            Assert.Equal("the sudo password", HostKeyPolicy.PasswordsSentTo(inventory, keyed));
            keyed.Sudo = SudoMode.Passwordless;
            Assert.Null(HostKeyPolicy.PasswordsSentTo(inventory, keyed));
        }

        [Fact]
        public void OnlyAnUnknownUnpinnedUnconfirmedHostThatWouldGetAPasswordNeedsAConfirmation()
        {
            var file = Parse($"web1 {a.Line}\n");
            var options = new SshConnectOptions { AcceptUnknownHostKey = true };
            var unknown = new HaPgNode { Name = "n1", Address = "web2", User = "admin" };
            var known = new HaPgNode { Name = "n2", Address = "web1", User = "admin" };
            var pinned = new HaPgNode { Name = "n3", Address = "web3", User = "admin", HostKeySha256 = b.Fingerprint };
            var keyed = new HaPgNode { Name = "n4", Address = "web4", User = "admin", KeyPath = "/keys/id" };
            var inventory = new HaPgInventory { Nodes = { unknown, known, pinned, keyed }, Credential = new System.Management.Automation.PSCredential("admin", "pw".ToSecureString()) };

            Assert.Equal(new[] { "n1" }, inventory.Nodes.Where(n => HostKeyPolicy.NeedsConfirmation(inventory, n, file, options)).Select(n => n.Name));
            options.ConfirmedHostKeys["N1"] = rsa.Fingerprint;
            Assert.False(HostKeyPolicy.NeedsConfirmation(inventory, unknown, file, options));
        }

        public void Dispose() => Directory.Delete(dir, true);
    }
}
