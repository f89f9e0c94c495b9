using System;
using System.Linq;
using HaPg.Components.Common;
using HaPg.Components.Platform;
using Xunit;

namespace HaPg.Tests.Components.Platform
{
    public class PlatformTests
    {
        // Recorded on a Debian 12 host: os-release, then NodePlatform.ReadCommand's apt part.
        private const string Bookworm = """
            PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
            NAME="Debian GNU/Linux"
            VERSION_ID="12"
            VERSION="12 (bookworm)"
            VERSION_CODENAME=bookworm
            ID=debian
            --- apt
            postgresql:
              Installed: 15+248+deb12u2
              Candidate: 15+248+deb12u2
              Version table:
             *** 15+248+deb12u2 500
                    500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages
                    100 /var/lib/dpkg/status
                 15+248+deb12u1 500
                    500 http://deb.debian.org/debian bookworm/main amd64 Packages
            patroni:
              Installed: (none)
              Candidate: 3.0.2-1
              Version table:
                 3.0.2-1 500
                    500 http://deb.debian.org/debian bookworm/main amd64 Packages
            etcd-server:
              Installed: (none)
              Candidate: 3.4.23-4+b4
              Version table:
                 3.4.23-4+b4 500
                    500 http://deb.debian.org/debian bookworm/main amd64 Packages
            haproxy:
              Installed: 2.6.12-1+deb12u4
              Candidate: 2.6.12-1+deb12u4
            """;

        private static NodePlatform Platform(string node, string id, string version, string? postgres = null, string? patroni = null, bool apt = true) =>
            NodePlatform.Parse(node, $"ID={id}\nVERSION_ID=\"{version}\"\n--- apt\n" + (apt ? string.Empty : "no apt-cache\n") +
                (postgres is null ? string.Empty : $"postgresql:\n  Installed: (none)\n  Candidate: {postgres}\n") +
                (patroni is null ? string.Empty : $"patroni:\n  Installed: {patroni}\n  Candidate: {patroni}\n"));

        [Fact]
        public void ReadsReleaseAndAptVersionsFromARecordedDebian12()
        {
            var platform = NodePlatform.Parse("node-1", Bookworm);

            Assert.Equal(("debian", "12", "bookworm", true), (platform.Os.Id, platform.Os.VersionId, platform.Codename, platform.HasApt));
            Assert.Equal("Debian 12", platform.Release!.ToString());
            Assert.Equal(15, platform.PostgresMajor);
            Assert.Equal(new Version(3, 0, 2), platform.PatroniVersion);
            Assert.Equal(("15+248+deb12u2", "15+248+deb12u2"), (platform.Package("postgresql")!.Installed, platform.Package("postgresql")!.Candidate));
            Assert.Null(platform.Package("patroni")!.Installed);
            Assert.Equal("3.4.23-4+b4", platform.Package("etcd-server")!.Candidate);
            Assert.Equal("2.6.12-1+deb12u4", platform.Package("haproxy")!.Installed);
        }

        [Fact]
        public void WithoutAptListsTheReleaseGivesThePostgresMajor()
        {
            var trixie = Platform("node-1", "debian", "13");

            Assert.Equal(17, trixie.PostgresMajor);
            Assert.Null(trixie.PatroniVersion);
            Assert.Null(PlatformSupport.Unsupported(new[] { trixie }));
        }

        [Theory]
        [InlineData("15+248", 15)]
        [InlineData("17+278", 17)]
        [InlineData("16+257build1.1", 16)]
        [InlineData("1:14+238", 14)]
        [InlineData("garbage", null)]
        [InlineData(null, null)]
        public void PostgresMajorComesFromTheMetapackageVersion(string? version, int? major) =>
            Assert.Equal(major, NodePlatform.Major(version));

        [Theory]
        [InlineData("3.0.2-1", "3.0.2")]
        [InlineData("4.0.7-1", "4.0.7")]
        [InlineData("1:4.0.4-1.pgdg120+1", "4.0.4")]
        [InlineData("3", "3.0")]
        [InlineData("", null)]
        [InlineData(null, null)]
        public void UpstreamVersionDropsEpochAndDebianRevision(string? debian, string? upstream) =>
            Assert.Equal(upstream is null ? null : Version.Parse(upstream), NodePlatform.UpstreamVersion(debian));

        [Fact]
        public void UnsupportedNodesAreRefusedTogetherNamingWhatEachRuns()
        {
            var nodes = new[]
            {
                Platform("node-1", "debian", "12"),
                Platform("node-2", "debian", "11"),
                Platform("node-3", "centos", "9", apt: false),
                NodePlatform.Parse("node-4", "--- apt\nno apt-cache\n"),
                Platform("node-5", "ubuntu", "24.04"),
            };

            var issue = PlatformSupport.Unsupported(nodes)!;

            Assert.Equal(("HaPg.Platform.Unsupported", IssueSeverity.Error, "node-2,node-3,node-4"), (issue.Id, issue.Severity, issue.Target));
            Assert.Contains("node-2 runs debian 11; node-3 runs centos 9 without apt; node-4 runs no readable /etc/os-release without apt.", issue.Message);
            Assert.Contains("Debian 12, Debian 13, Ubuntu 22.04, Ubuntu 24.04", issue.Message);
            Assert.Null(PlatformSupport.Unsupported(nodes.Where(n => n.Node is "node-1" or "node-5")));
        }

        [Fact]
        public void DatabaseNodesOnTwoMajorsAreAMismatchUnlessOneIsPinned()
        {
            // In the order the parallel reads finish, not by name.
            var nodes = new[] { Platform("pg3", "debian", "13"), Platform("pg1", "debian", "12", "15+248"), Platform("pg2", "debian", "13", "17+278") };

            var issue = PlatformSupport.Mismatch(nodes, requestedMajor: null)!;

            Assert.Equal(("HaPg.Platform.Mismatch", "pg1,pg2,pg3"), (issue.Id, issue.Target));
            Assert.Contains("PostgreSQL 15 on pg1 (debian 12); PostgreSQL 17 on pg2 (debian 13), pg3 (debian 13)", issue.Message);
            Assert.Null(PlatformSupport.Mismatch(nodes, requestedMajor: 17));
            Assert.Null(PlatformSupport.Mismatch(nodes.Where(n => n.Node != "pg1"), requestedMajor: null));
        }

        [Fact]
        public void PatroniBefore303IsNamedOnceWithEveryAffectedNode()
        {
            var patroni = new (string, string?)[] { ("pg3", "3.0.2-1"), ("pg1", "3.0.2-1"), ("pg2", "4.0.7-3~deb13u1"), ("pg4", null) };

            var finding = PlatformSupport.KnownDataLossFinding(patroni);

            Assert.StartsWith("pg1 (Patroni 3.0.2-1), pg3 (Patroni 3.0.2-1): Patroni before 3.0.3 can lose acknowledged writes (patroni/patroni#2689)", finding);
            Assert.Null(PlatformSupport.KnownDataLossFinding(patroni.Skip(2)));
        }

        [Fact]
        public void PatroniBefore303IsRefusedAsKnownDataLossNamingEveryNodeAndOnlyAllowedAsAWarning()
        {
            var nodes = new[]
            {
                Platform("pg3", "debian", "12", patroni: "3.0.2-1"), Platform("pg1", "debian", "12", patroni: "3.0.2-1"),
                Platform("pg2", "debian", "13", patroni: "4.0.7-3~deb13u1"), Platform("pg4", "debian", "13"),
            };

            var refused = PlatformSupport.KnownDataLoss(nodes, allowed: false)!;
            var allowed = PlatformSupport.KnownDataLoss(nodes, allowed: true)!;

            Assert.Equal(("HaPg.Patroni.KnownDataLoss", IssueSeverity.Error, "pg1,pg3"), (refused.Id, refused.Severity, refused.Target));
            Assert.StartsWith("pg1 (Patroni 3.0.2-1), pg3 (Patroni 3.0.2-1): Patroni before 3.0.3 can lose acknowledged writes (patroni/patroni#2689)", refused.Message);
            Assert.Contains("Nothing was changed", refused.Message);
            Assert.Contains("-AllowKnownDataLoss", refused.Message);
            Assert.Equal((IssueSeverity.Warning, "pg1,pg3"), (allowed.Severity, allowed.Target));
            Assert.Null(PlatformSupport.KnownDataLoss(nodes.Where(n => n.Node is "pg2" or "pg4"), allowed: false));
        }
    }
}
