using System;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Postgres;
using HaPg.Tests.Steps;
using Xunit;

namespace HaPg.Tests.Components.Postgres
{
    public class ApplicationRoleTests
    {
        private const string Password = "Zq7mR2vK9pXw4LtB";
        private const string Read = "pg_authid";

        private static bool SendsSql(RecordingHost host) => host.Texts.Any(t => t.EndsWith(" -d postgres -f -", StringComparison.Ordinal));

        private static void PasswordNowhere(RecordingHost host) =>
            Assert.All(host.Commands, c =>
            {
                Assert.DoesNotContain(Password, c.Text);
                Assert.DoesNotContain(Password, c.Stdin ?? string.Empty);
            });

        /// <summary>The verifier the SQL on stdin sets.</summary>
        private static string SetVerifier(RecordingHost host)
        {
            var sql = host.Commands.Single(c => c.Text.EndsWith(" -f -", StringComparison.Ordinal)).Stdin!;
            return Regex.Match(sql, "PASSWORD '([^']*)'").Groups[1].Value;
        }

        [Fact]
        public void TheSecretFileGivesItsPasswordBack()
        {
            var file = ApplicationRole.SecretFile(Password);

            Assert.Equal(("/etc/patroni/application.secret", "0600", "root", "root"), (file.Path, file.Mode, file.Owner, file.Group));
            Assert.Equal(Password, ApplicationRole.ReadPassword(file.Content));
            Assert.Null(ApplicationRole.ReadPassword(string.Empty));
            Assert.Null(ApplicationRole.ReadPassword("hapg_app:\n"));
        }

        [Fact]
        public async Task ARoleWhoseVerifierIsThisPasswordsIsLeftAlone()
        {
            var host = new RecordingHost().On(Read, 0, ScramVerifier.Create(Password) + "|1|f\n");

            var changed = await ApplicationRole.EnsureAsync(host, TestInventory.ThreeNodes(), Password, CancellationToken.None);

            Assert.Null(changed);
            Assert.Single(host.Commands);
            Assert.False(SendsSql(host));
            PasswordNowhere(host);
        }

        [Fact]
        public async Task AMissingRoleIsCreatedWithAVerifierOnStdinNeverThePassword()
        {
            var host = new RecordingHost().On(Read, 0, "-|0|t\n");

            var changed = await ApplicationRole.EnsureAsync(host, TestInventory.ThreeNodes(), Password, CancellationToken.None);

            Assert.Equal("role hapg_app and its schema created", changed);
            var command = host.Commands.Single(c => c.Text.EndsWith(" -f -", StringComparison.Ordinal));
            Assert.StartsWith("runuser -u postgres -- psql ", command.Text);
            Assert.Contains("-p 5432 -d postgres -f -", command.Text);
            Assert.Contains("CREATE ROLE hapg_app;", command.Stdin);
            Assert.Contains("ALTER ROLE hapg_app LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS PASSWORD 'SCRAM-SHA-256$4096:", command.Stdin);
            Assert.Contains("CREATE SCHEMA IF NOT EXISTS hapg_app AUTHORIZATION hapg_app;", command.Stdin);
            var verifier = SetVerifier(host);
            Assert.True(ScramVerifier.Verifies(verifier, Password));
            Assert.Contains(verifier, command.Secrets);
            Assert.DoesNotContain(verifier, command.Text);
            PasswordNowhere(host);
        }

        [Fact]
        public async Task AVerifierOfAnotherPasswordIsReplacedByOneOfThisPassword()
        {
            var old = ScramVerifier.Create("Other-password-1");
            var host = new RecordingHost().On(Read, 0, old + "|1|f\n");

            var changed = await ApplicationRole.EnsureAsync(host, TestInventory.ThreeNodes(), Password, CancellationToken.None);

            Assert.Equal("role hapg_app set (password, attributes or schema)", changed);
            var verifier = SetVerifier(host);
            Assert.Contains("ALTER ROLE hapg_app ", host.Commands.Last().Stdin);
            Assert.NotEqual(old, verifier);
            Assert.True(ScramVerifier.Verifies(verifier, Password));
            Assert.False(ScramVerifier.Verifies(verifier, "Other-password-1"));
            PasswordNowhere(host);
        }

        [Fact]
        public async Task ARoleWithTheRightPasswordButAPrivilegeIsSetAgain()
        {
            var host = new RecordingHost().On(Read, 0, ScramVerifier.Create(Password) + "|1|t\n");

            var changed = await ApplicationRole.EnsureAsync(host, TestInventory.ThreeNodes(), Password, CancellationToken.None);

            Assert.Equal("role hapg_app set (password, attributes or schema)", changed);
            Assert.True(SendsSql(host));
            PasswordNowhere(host);
        }
    }
}
