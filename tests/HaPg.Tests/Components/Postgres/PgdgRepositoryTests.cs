using System;
using System.IO;
using System.Linq;
using System.Text;
using HaPg.Components.Postgres;
using Xunit;

namespace HaPg.Tests.Components.Postgres
{
    public sealed class PgdgRepositoryTests
    {
        // Shipped by Debian's postgresql-common, which the test host has (the CI installs postgresql).
        private static byte[] PackagedKey() => File.ReadAllBytes(PgdgRepository.PackagedKeyPath);

        [Fact]
        public void TheKeyDebianShipsHasThePinnedFingerprint()
        {
            Assert.Equal(new[] { "B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8" }, PgdgRepository.Fingerprints(PackagedKey()));
            Assert.Null(PgdgRepository.Verify("pg1", PgdgRepository.PackagedKeyPath, PackagedKey()));
        }

        [Fact]
        public void AnyOtherKeyOrNoKeyIsRefusedNamingTheNodeAndWhatWasFound()
        {
            var debian = File.ReadAllBytes("/usr/share/keyrings/debian-archive-keyring.gpg");

            var other = PgdgRepository.Verify("pg1", "/k", debian)!;
            var garbage = PgdgRepository.Verify("pg2", "/k", Encoding.ASCII.GetBytes("not a key"))!;
            var empty = PgdgRepository.Verify("pg3", "/k", new byte[0])!;

            Assert.Equal(("HaPg.Patroni.PgdgKeyMismatch", "pg1"), (other.Id, other.Target));
            Assert.Matches("^pg1: /k holds [0-9A-F]{40}( and [0-9A-F]{40})*, not apt.postgresql.org's key B97B0AFC", other.Message);
            Assert.StartsWith("pg2: /k holds no key,", garbage.Message);
            Assert.StartsWith("pg3: /k holds no key,", empty.Message);
        }

        [Fact]
        public void ThePinnedKeyWithAnotherBesideItIsRefused()
        {
            // apt trusts every key of a Signed-By file: a second key would sign for apt.postgresql.org too.
            var binaryPinned = Convert.FromBase64String(string.Concat(Encoding.ASCII.GetString(PackagedKey()).Split('\n')
                .SkipWhile(l => l.Trim().Length > 0).Skip(1).TakeWhile(l => !l.StartsWith("=") && !l.StartsWith("-----")).Select(l => l.Trim())));
            var both = binaryPinned.Concat(File.ReadAllBytes("/usr/share/keyrings/debian-archive-keyring.gpg")).ToArray();

            Assert.Equal(new[] { "B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8" }, PgdgRepository.Fingerprints(binaryPinned));
            var issue = PgdgRepository.Verify("pg1", "/k", both)!;
            Assert.Equal("HaPg.Patroni.PgdgKeyMismatch", issue.Id);
            Assert.StartsWith("pg1: /k holds B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8 and ", issue.Message);
        }

        [Fact]
        public void TheSourceIsTheNodesCodenameSignedByThePinnedKeyring()
        {
            var file = PgdgRepository.Sources("bookworm");

            Assert.Equal(("/etc/apt/sources.list.d/hapg-pgdg.sources", "0644", "root"), (file.Path, file.Mode, file.Owner));
            Assert.Contains("URIs: https://apt.postgresql.org/pub/repos/apt\nSuites: bookworm-pgdg\nComponents: main\nSigned-By: /etc/apt/keyrings/hapg-pgdg.asc\n", file.Content);
            Assert.False(file.ContainsSecrets);
            Assert.Throws<HaPgValidationException>(() => PgdgRepository.Sources(""));
            Assert.Throws<HaPgValidationException>(() => PgdgRepository.Sources("bookworm main\nSuites: x"));
        }

        [Fact]
        public void ThePinTakesPatroniFromPgdgAndNothingThatTheDistroHas()
        {
            var pin = PgdgRepository.Pin().Content;

            Assert.Contains("Package: *\nPin: origin apt.postgresql.org\nPin-Priority: 100\n", pin);
            Assert.Contains("Package: patroni python3-etcd\nPin: origin apt.postgresql.org\nPin-Priority: 600\n", pin);
            Assert.DoesNotContain("postgresql-", pin.Replace("postgresql.org", string.Empty));
        }
    }
}
