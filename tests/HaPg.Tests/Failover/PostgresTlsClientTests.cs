using System;
using System.Threading;
using HaPg.Components.Tls;
using HaPg.Failover;
using Xunit;

namespace HaPg.Tests.Failover
{
    /// <summary>
    /// The writer's TLS against a real PostgreSQL serving a certificate of a test CA: VerifyFull against the CA file works
    /// for the address the certificate names, and refuses another CA. Needs root and Debian's postgresql package.
    /// </summary>
    public sealed class PostgresTlsClientTests
    {
        [Fact]
        public void TheWriterVerifiesTheServerAgainstTheClusterCaAndTheAddressItDialled()
        {
            var ca = ClusterCa.Generate("tlstest", DateTimeOffset.UtcNow);
            using var server = new PostgresServer(ca.Issue("pg1", "127.0.0.1", DateTimeOffset.UtcNow));
            var target = server.Target;
            target.CertificateCheck = PostgresClientTls.Against(ca.CertificatePem, "127.0.0.1");
            new WriteWorkload(target, "tls", new FailoverClock()).CreateTableAsync(CancellationToken.None).GetAwaiter().GetResult();

            var other = server.Target;
            other.CertificateCheck = PostgresClientTls.Against(ClusterCa.Generate("other", DateTimeOffset.UtcNow).CertificatePem, "127.0.0.1");
            Assert.ThrowsAny<Exception>(() => new WriteWorkload(other, "tls", new FailoverClock()).CreateTableAsync(CancellationToken.None).GetAwaiter().GetResult());

            // The same server at 127.0.0.2, a name its certificate does not carry, is refused; it does answer there.
            new WriteWorkload(server.TargetAt("127.0.0.2"), "tls", new FailoverClock()).CreateTableAsync(CancellationToken.None).GetAwaiter().GetResult();
            var wrongName = server.TargetAt("127.0.0.2");
            wrongName.CertificateCheck = PostgresClientTls.Against(ca.CertificatePem, "127.0.0.2");
            Assert.ThrowsAny<Exception>(() => new WriteWorkload(wrongName, "tls", new FailoverClock()).CreateTableAsync(CancellationToken.None).GetAwaiter().GetResult());
        }

        [Theory]
        [InlineData("10.0.0.11", true)]
        [InlineData("10.0.0.14", true)]
        [InlineData("pg1", true)]
        [InlineData("PG1", true)]
        [InlineData("lb1", true)]
        [InlineData("10.0.0.12", false)]
        [InlineData("pg2", false)]
        [InlineData("::ffff:10.0.0.99", false)]
        public void ANameIsTheCertificatesWhenItsSansCarryIt(string host, bool named)
        {
            var ca = ClusterCa.Generate("names", DateTimeOffset.UtcNow);
            var issued = ca.Issue("pg1", "10.0.0.11", DateTimeOffset.UtcNow, new[] { "lb1", "10.0.0.14" });
            Assert.Equal(named, PostgresClientTls.Names(issued.Info, host));
        }
    }
}
