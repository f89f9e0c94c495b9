using System.Linq;
using System.Management.Automation;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Operations;
using HaPg.Remote;
using HaPg.Results;
using Xunit;

namespace HaPg.Tests.Remote
{
    public sealed class PureLogicTests
    {
        [Theory]
        [InlineData("plain")]
        [InlineData("it's")]
        [InlineData("$(rm -rf /) `x` \"q\" \\ ; | & *")]
        [InlineData("line1\nline2 ''")]
        [InlineData("")]
        public void ShellQuoteSurvivesARealShell(string value) =>
            Assert.Equal(value, TestSshd.Process("sh", "-c", "printf %s " + ShellQuote.Quote(value)));

        [Fact]
        public void RedactorMasksEverySecretLongestFirst()
        {
            var redactor = new Redactor(new[] { "abc", "abcdef", null, "" });
            Assert.Equal("x *** y *** z", redactor.Redact("x abcdef y abc z"));
            Assert.Equal("p=***", redactor.With(new[] { "s3cr3t" }).Redact("p=s3cr3t"));
            Assert.Equal(string.Empty, redactor.Redact(null));
        }

        [Fact]
        public void RedactorForAnInventoryCoversSshAndSudoPasswords()
        {
            var inventory = new HaPgInventory
            {
                Credential = new PSCredential("u", TestSshd.Secure("ssh-pw")),
                SudoPassword = TestSshd.Secure("sudo-pw"),
            };
            Assert.Equal("*** and ***", Redactor.For(inventory).Redact("ssh-pw and sudo-pw"));
        }

        [Fact]
        public void SudoCommandLines()
        {
            Assert.Equal("exec sh -c 'echo '\\''hi'\\''' hapg-1", RemoteCommandLine.Build("echo 'hi'", SudoMode.None, "hapg-1"));
            Assert.Equal("exec sudo -n -- sh -c 'id -u' hapg-1", RemoteCommandLine.Build("id -u", SudoMode.Passwordless, "hapg-1"));
            var withPassword = RemoteCommandLine.Build("id -u", SudoMode.Password, "hapg-1");
            Assert.StartsWith("exec sudo -k -S -p '' -- sh -c '", withPassword);
            Assert.DoesNotContain("pw", withPassword);
            Assert.Equal("pw\n" + RemoteCommandLine.StdinMarker + "\ndata", System.Text.Encoding.UTF8.GetString(RemoteCommandLine.Stdin("data", SudoMode.Password, "pw")));
            Assert.Equal("data", System.Text.Encoding.UTF8.GetString(RemoteCommandLine.Stdin("data", SudoMode.Passwordless, "pw")));
            Assert.True(RemoteCommandLine.IsSudoRefusal(SudoMode.Passwordless, 1, "sudo: a password is required\n"));
            Assert.False(RemoteCommandLine.IsSudoRefusal(SudoMode.None, 1, "sudo: a password is required\n"));
            Assert.False(RemoteCommandLine.IsSudoRefusal(SudoMode.Password, 2, "grep: x: No such file\n"));
        }

        [Fact]
        public void PasswordModeDropsAnUnreadPasswordLine()
        {
            // As if sudo needed no password: the preamble must eat the password line, not the command.
            var script = RemoteCommandLine.Build("cat", SudoMode.Password, "hapg-1");
            var inner = script.Substring(script.IndexOf("sh -c ", System.StringComparison.Ordinal));
            var stdin = System.Text.Encoding.UTF8.GetString(RemoteCommandLine.Stdin("payload", SudoMode.Password, "secret-pw"));
            var output = TestSshd.Process("sh", "-c", $"printf %s {ShellQuote.Quote(stdin)} | {inner}");
            Assert.Equal("payload", output);
        }

        [Fact]
        public void FactsAreParsed()
        {
            var result = new HaPgConnectionResult();
            ConnectionTest.Apply(ConnectionTest.ParseFacts(
                "os=debian\nos_version=12\npid1=systemd\nfree_kb=10485760\napt=ok\n" +
                "pkg=postgresql|15+248|ii \npkg=postgresql-15|15.8-0+deb12u1|ii \npkg=postgresql-15-foo|1|ii \n" +
                "pkg=etcd-server|3.4.23-4|ii \npkg=haproxy|2.6.12-1|rc \n"), result);
            Assert.Equal("debian", result.Os);
            Assert.Equal("12", result.OsVersion);
            Assert.True(result.Systemd);
            Assert.True(result.AptOk);
            Assert.Equal(10.0, result.FreeDiskGB);
            Assert.Equal("15.8-0+deb12u1", result.Installed["postgresql"]);
            Assert.Equal("3.4.23-4", result.Installed["etcd"]);
            Assert.False(result.Installed.ContainsKey("haproxy"));
            Assert.False(result.Installed.ContainsKey("patroni"));
        }

        [Fact]
        public void FileModesAreNormalizedAndValidated()
        {
            Assert.Equal("0644", RemoteHostExtensions.NormalizeMode("644"));
            Assert.Equal("0640", RemoteHostExtensions.NormalizeMode("0640"));
            Assert.Throws<System.ArgumentException>(() => RemoteHostExtensions.NormalizeMode("0648"));
            Assert.Throws<System.ArgumentException>(() => RemoteHostExtensions.NormalizeMode("644; rm"));
        }
    }
}
