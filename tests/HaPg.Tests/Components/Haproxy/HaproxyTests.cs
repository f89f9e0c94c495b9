using System.Linq;
using HaPg.Components.Common;
using HaPg.Components.Haproxy;
using HaPg.Components.Patroni;
using Xunit;

namespace HaPg.Tests.Components.Haproxy
{
    public class HaproxyTests
    {
        private static HaproxySettings Settings() => new HaproxySettings { StatsPassword = "St4ts:pa$$\"w#rd" };

        [Fact]
        public void RendersListenersChecksAndServers()
        {
            var inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true);
            var file = HaproxyConfig.Render(inventory, inventory.Nodes[3], Settings());
            var lines = file.Content.Split('\n').Select(l => l.Trim()).ToList();

            Assert.Equal(("/etc/haproxy/haproxy.cfg", "0600", "root", true), (file.Path, file.Mode, file.Owner, file.ContainsSecrets));
            Assert.Equal("haproxy -c -f '/tmp/c'", file.ValidateCommandFor("/tmp/c"));
            Assert.Contains("mode tcp", lines);
            Assert.Contains("timeout client 30m", lines);
            Assert.Contains("timeout connect 4s", lines);
            Assert.Contains("timeout check 5s", lines);
            Assert.Contains("retries 2", lines);
            Assert.Contains("option redispatch", lines);
            Assert.Contains("user haproxy", lines);
            Assert.Contains("bind 10.0.0.20:7000 ssl crt /etc/hapg/tls/haproxy.pem", lines);
            Assert.Contains("stats auth 'hapg:St4ts:pa$$\"w#rd'", lines);
            Assert.Contains("stats uri /", lines);

            var primary = lines.IndexOf("listen primary");
            var replicas = lines.IndexOf("listen replicas");
            Assert.True(primary > 0 && replicas > primary);
            var primaryBlock = lines.Skip(primary).Take(replicas - primary).ToList();
            Assert.Contains("bind 10.0.0.20:5000", primaryBlock);
            Assert.Contains("option httpchk HEAD /primary", primaryBlock);
            Assert.Contains("http-check expect status 200", primaryBlock);
            Assert.Contains("default-server inter 2s fastinter 250ms downinter 250ms fall 3 rise 1 on-marked-down shutdown-sessions", primaryBlock);
            Assert.Equal(new[]
            {
                "server pg1 10.0.0.11:5432 maxconn 100 check port 8008 check-ssl verify required ca-file /etc/hapg/tls/ca.crt verifyhost pg1",
                "server pg2 10.0.0.12:5432 maxconn 100 check port 8008 check-ssl verify required ca-file /etc/hapg/tls/ca.crt verifyhost pg2",
                "server pg3 10.0.0.13:5432 maxconn 100 check port 8008 check-ssl verify required ca-file /etc/hapg/tls/ca.crt verifyhost pg3",
            }, primaryBlock.Where(l => l.StartsWith("server ")));
            var replicaBlock = lines.Skip(replicas).ToList();
            Assert.Contains("bind 10.0.0.20:5001", replicaBlock);
            Assert.Contains("option httpchk HEAD /replica", replicaBlock);
            Assert.Equal(3, replicaBlock.Count(l => l.StartsWith("server ")));
            Assert.DoesNotContain("St4ts", file.ToString());
            Assert.DoesNotContain("St4ts", Settings().ToString());
        }

        [Fact]
        public void RecipeTimingAndBindOverrides()
        {
            var inventory = TestInventory.ThreeNodes();
            var settings = Settings();
            settings.Timing = PatroniTimingProfile.Recipe;
            settings.BindAddress = "10.0.0.100";
            settings.StatsBindAddress = "127.0.0.1";
            var text = HaproxyConfig.Render(inventory, inventory.Nodes[0], settings).Content;

            Assert.Contains("default-server inter 3s fall 3 rise 2 on-marked-down shutdown-sessions", text);
            Assert.Contains("bind 10.0.0.100:5000\n", text);
            Assert.Contains("bind 127.0.0.1:7000 ssl crt /etc/hapg/tls/haproxy.pem\n", text);
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("it's")]
        [InlineData("line\nbreak")]
        public void UnusableStatsPasswordsAreRefused(string? password)
        {
            var inventory = TestInventory.ThreeNodes();
            var ex = Assert.Throws<HaPgValidationException>(() =>
                HaproxyConfig.Render(inventory, inventory.Nodes[0], new HaproxySettings { StatsPassword = password }));
            Assert.Equal("HaPg.Haproxy.InvalidStatsCredential", ex.Issue.Id);
            Assert.Same(inventory.Nodes[0], ex.Issue.Target);
        }

        [Fact]
        public void NonHaproxyNodeIsRefused()
        {
            var inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true);
            Assert.Equal("HaPg.Haproxy.NotAHaproxyNode",
                Assert.Throws<HaPgValidationException>(() => HaproxyConfig.Render(inventory, inventory.Nodes[0], Settings())).Issue.Id);
        }

        [ToolFact("haproxy")]
        public void HaproxyAcceptsTheRenderedConfig()
        {
            var inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true);

            // haproxy -c loads the certificate files the config names: real ones of a test CA, in a temp directory.
            var tls = System.IO.Directory.CreateTempSubdirectory("hapg-haproxy-tls-").FullName;
            var ca = HaPg.Components.Tls.ClusterCa.Generate("demo", System.DateTimeOffset.UtcNow);
            var issued = ca.Issue("lb1", "10.0.0.20", System.DateTimeOffset.UtcNow);
            System.IO.File.WriteAllText(System.IO.Path.Combine(tls, "ca.crt"), ca.CertificatePem);
            System.IO.File.WriteAllText(System.IO.Path.Combine(tls, "haproxy.pem"), issued.CertificatePem + issued.PrivateKeyPem);
            try
            {
                foreach (var timing in new[] { PatroniTimingProfile.Default, PatroniTimingProfile.Recipe })
                {
                    var settings = Settings();
                    settings.Timing = timing;
                    var config = HaproxyConfig.Render(inventory, inventory.Nodes[3], settings).Content
                        .Replace(HaPg.Components.Tls.TlsIdentity.Directory + "/", tls + "/");
                    var (exit, output) = ToolRunner.RunOnFile("haproxy", "-c -f {0}", config);
                    Assert.True(exit == 0, "haproxy -c failed: " + output);
                    Assert.DoesNotContain("WARNING", output);
                }
            }
            finally
            {
                System.IO.Directory.Delete(tls, recursive: true);
            }

            Assert.NotEqual(0, ToolRunner.RunOnFile("haproxy", "-c -f {0}", "listen x\n\tbind 127.0.0.1:5000\n\tbogus-keyword 1\n").ExitCode);
        }

        [Fact]
        public void ParsesStatsCsv()
        {
            const string csv =
                "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,\n" +
                "stats,FRONTEND,,,1,1,4096,3,300,4000,0,0,0,,,,,OPEN,,,,,,,,,1,2,0,,,,0,1,0,1,,\n" +
                "primary,FRONTEND,,,2,5,4096,9,0,0,0,0,0,,,,,OPEN,,,,,,,,,1,3,0,,,,0,0,0,2,,\n" +
                "primary,pg1,0,0,2,5,100,9,0,0,,0,,0,0,0,0,UP,1,1,0,0,0,120,0,,1,3,1,,9,,2,0,,2,L7OK,\n" +
                "primary,pg2,0,0,0,0,100,0,0,0,,0,,0,0,0,0,DOWN,1,1,0,3,1,60,60,,1,3,2,,0,,2,0,,0,L7STS,\n" +
                "primary,BACKEND,0,0,2,5,410,9,0,0,0,0,,0,0,0,0,UP,1,1,0,,1,120,0,,1,3,0,,9,,1,0,,2,,\n";

            var rows = HaproxyStatsParser.Parse(csv);
            var servers = rows.Where(r => r.IsServer).ToList();

            Assert.Equal(6 - 1, rows.Count);
            Assert.Equal(new[] { "primary/pg1 UP", "primary/pg2 DOWN" }, servers.Select(s => s.ToString()));
            Assert.Equal(("L7OK", 2L, true), (servers[0].CheckStatus, servers[0].CurrentSessions, servers[0].IsUp));
            Assert.Equal(("L7STS", false), (servers[1].CheckStatus, servers[1].IsUp));
            Assert.Throws<System.FormatException>(() => HaproxyStatsParser.Parse("no header\n"));
        }

        [Theory]
        [InlineData("UP,DOWN,DOWN", "DOWN,UP,UP", true)]
        [InlineData("UP,DOWN,DOWN", "DOWN,UP,DOWN", true)] // a replica not streaming is DOWN on 5001 for good: settled
        [InlineData("UP,UP,UP", "UP,UP,UP", false)] // just reloaded: every server starts UP
        [InlineData("UP,DOWN,DOWN", "UP,UP,UP", false)] // the leader still UP on 5001
        [InlineData("UP,UP 1/3,DOWN", "DOWN,UP,UP", false)] // half way down
        [InlineData("UP,DOWN,DOWN", "DOWN 1/2,UP,UP", false)]
        [InlineData("DOWN,DOWN,DOWN", "DOWN,UP,UP", false)] // no leader
        public void ChecksSettleWithOneLeaderOnlyOn5000AndNoServerInTransition(string primary, string replicas, bool settled)
        {
            static HaproxyServerStatus[] Listener(string proxy, string states) => states.Split(',')
                .Select((state, i) => new HaproxyServerStatus { Proxy = proxy, Server = $"pg{i + 1}", Status = state }).ToArray();

            var servers = Listener(HaproxyConfig.PrimaryProxy, primary).Concat(Listener(HaproxyConfig.ReplicasProxy, replicas)).ToList();

            Assert.Equal(settled, HaproxySteps.ChecksSettled(servers));
        }
    

        [Theory]
        [InlineData("St4ts:pa$$\"w#rd")]
        [InlineData("plain")]
        [InlineData("with space and \\ backslash")]
        public void ReadStatsPasswordReadsBackWhatRenderWrote(string password)
        {
            var inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true);
            var file = HaproxyConfig.Render(inventory, inventory.Nodes[3], new HaproxySettings { StatsUser = "ops", StatsPassword = password });

            Assert.Equal(password, HaproxyConfig.ReadStatsPassword(file.Content));
        }

        [Theory]
        [InlineData("")]
        [InlineData("listen stats\n\tstats enable\n")]
        [InlineData("\tstats auth 'nocolon'\n")]
        [InlineData("\tstats auth hapg:unquoted\n")]
        public void ReadStatsPasswordIsNullWithoutAQuotedAuthLine(string config)
        {
            Assert.Null(HaproxyConfig.ReadStatsPassword(config));
        }
    }
}
