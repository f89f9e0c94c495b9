using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Execution;
using HaPg.Operations;
using HaPg.Remote;
using HaPg.Results;
using HaPg.Tests.Components;
using HaPg.Tests.Operations;
using HaPg.Tests.Steps;
using Xunit;

namespace HaPg.Tests.Remote
{
    /// <summary>The connection state the runner reads through <see cref="IRemoteHost"/>, whatever the host is.</summary>
    public class RemoteHostStateTests
    {
        private const string Facts = "os=debian\nos_version=13\npid1=systemd\nfree_kb=10485760\napt=ok\npkg=haproxy|3.0.11-1|ii \n";

        [Fact]
        public async Task ThePoolReplacesAConnectionWhoseSessionDropped()
        {
            var inventory = TestInventory.ThreeNodes();
            var opened = 0;
            var pool = ConnectionPool.Over(inventory, node =>
            {
                Interlocked.Increment(ref opened);
                return new RecordingHost(node);
            });
            var node = inventory.Nodes[0];

            var host = await pool.GetHostAsync(node, new SshConnectOptions(), CancellationToken.None);
            Assert.Same(host, await pool.GetHostAsync(node, new SshConnectOptions(), CancellationToken.None));
            ((RecordingHost)host).IsConnected = false;
            var replaced = await pool.GetHostAsync(node, new SshConnectOptions(), CancellationToken.None);

            Assert.NotSame(host, replaced);
            Assert.Equal(2, opened);
            pool.Release();
        }

        [Fact]
        public void TheConnectionTestReportsTheHostKeyAndTheNoticeOfARecordedKeyOnce()
        {
            using var harness = new OperationHarness(TestInventory.ThreeNodes(), ConnectionTest.Step);
            foreach (var host in harness.Hosts.Values)
            {
                host.HostKeySha256 = "SHA256:" + host.Node.Name;
                host.On("os-release", 0, Facts);
            }

            harness.Hosts["pg2"].HostKeyNotice = "Trusted the new host key SHA256:pg2 and recorded it in /tmp/known_hosts.";

            var results = harness.Context.Run(harness.Inventory.Nodes, "Testing connections", ConnectionTest.TestAsync);

            Assert.All(results, r => Assert.Equal("SHA256:" + r.Node, r.HostKeySha256));
            Assert.All(results, r => Assert.Equal(HaPgStatus.Succeeded, r.Status));
            Assert.Equal("3.0.11-1", results.First().Installed["haproxy"]);
            Assert.Equal(new[] { "[pg2] Trusted the new host key SHA256:pg2 and recorded it in /tmp/known_hosts." }, harness.Sink.Warnings);
            Assert.Contains("[pg1] Connected as root to 10.0.0.11, host key SHA256:pg1.", harness.Sink.Verbose);
        }
    }
}
