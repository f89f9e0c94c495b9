using System.Linq;
using HaPg.Inventory;
using Xunit;

namespace HaPg.Tests.Inventory
{
    public sealed class SecretGeneratorTests
    {
        [Fact]
        public void DefaultPasswordIs32AlphanumericCharacters()
        {
            var password = SecretGenerator.NewPassword();
            Assert.Equal(32, password.Length);
            Assert.Matches("^[A-Za-z0-9]{32}$", password);
        }

        [Fact]
        public void PasswordsDiffer() =>
            Assert.Equal(100, Enumerable.Range(0, 100).Select(_ => SecretGenerator.NewPassword()).Distinct().Count());

        [Fact]
        public void EveryCharacterOfTheAlphabetOccursAndNoOther()
        {
            var sample = string.Concat(Enumerable.Range(0, 200).Select(_ => SecretGenerator.NewPassword(64)));
            Assert.Equal(SecretGenerator.Alphabet.OrderBy(c => c), sample.Distinct().OrderBy(c => c));

            // 12800 draws over 62 characters: each expected ~206 times; a biased generator would skew far beyond this band.
            var counts = sample.GroupBy(c => c).Select(g => g.Count()).ToList();
            Assert.InRange(counts.Min(), 120, 300);
            Assert.InRange(counts.Max(), 120, 300);
        }

        [Fact]
        public void SecurePasswordIsReadOnlyAndOfTheRequestedLength()
        {
            var secure = SecretGenerator.NewSecurePassword(20);
            Assert.True(secure.IsReadOnly());
            Assert.Matches("^[A-Za-z0-9]{20}$", secure.ToPlainText());
        }

        [Fact]
        public void FillMissingKeepsExistingPasswords()
        {
            var existing = "keep-me".ToSecureString();
            var secrets = new HaPgSecrets { ReplicationPassword = existing };
            var filled = SecretGenerator.FillMissing(secrets);
            Assert.Equal(new[] { "SuperuserPassword", "RewindPassword", "RestApiPassword", "HaproxyStatsPassword", "ApplicationPassword", "VrrpPassword" }, filled);
            Assert.Same(existing, secrets.ReplicationPassword);
            Assert.NotNull(secrets.SuperuserPassword);
            Assert.NotEqual(secrets.SuperuserPassword!.ToPlainText(), secrets.RewindPassword!.ToPlainText());
            Assert.Empty(SecretGenerator.FillMissing(secrets));
        }

        [Fact]
        public void FillMissingMakesNoCa()
        {
            var secrets = new HaPgSecrets();
            Assert.DoesNotContain(nameof(HaPgSecrets.CaPrivateKey), SecretGenerator.FillMissing(secrets));
            Assert.Null(secrets.CaPrivateKey);
            Assert.Null(secrets.CaCertificatePem);
        }

        [Fact]
        public void SecretsNeverPrint() => Assert.Equal("HaPgSecrets (redacted)", new HaPgSecrets { SuperuserPassword = "x".ToSecureString() }.ToString());
    }
}
