using HaPg.Components.Patroni;
using Xunit;

namespace HaPg.Tests.Components.Patroni
{
    public class PatroniKnownIssuesTests
    {
        [Theory]
        [InlineData("3.0.2")]
        [InlineData("3.0.2-1")]
        [InlineData("2.1.6")]
        public void OlderThan303IsWarnedAboutNamingNodeVersionAndFix(string version)
        {
            var warning = PatroniKnownIssues.LeaderKeyOverwrite("node-1", version);
            Assert.NotNull(warning);
            Assert.StartsWith("node-1: Patroni " + version, warning);
            Assert.Contains("patroni/patroni#2689", warning);
        }

        [Theory]
        [InlineData("3.0.3")]
        [InlineData("4.0.4-1.pgdg120+1")]
        [InlineData(null)]
        [InlineData("")]
        public void FixedOrUnknownVersionsAreNot(string? version) =>
            Assert.Null(PatroniKnownIssues.LeaderKeyOverwrite("node-1", version));
    }
}
