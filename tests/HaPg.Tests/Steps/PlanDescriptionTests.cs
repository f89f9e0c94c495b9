using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using HaPg.Components.Etcd;
using HaPg.Components.Firewall;
using HaPg.Components.Haproxy;
using HaPg.Components.Patroni;
using HaPg.Components.Postgres;
using HaPg.Tests.Components;
using HaPg.Tests.Components.Patroni;
using Xunit;

namespace HaPg.Tests.Steps
{
    /// <summary>-WhatIf shows each plan's exact files and commands, and never a password.</summary>
    public class PlanDescriptionTests
    {
        private const string StatsPassword = "St4ts-pass";

        private static readonly string[] Secrets =
            new[] { StatsPassword }.Concat(new[] { PatroniConfigTests.Passwords() }.SelectMany(p => new[] { p.Superuser!, p.Replication!, p.Rewind!, p.RestApi! }))
                .ToArray();

        private static void AssertDescribes(IEnumerable<string> description, params string[] expected)
        {
            var lines = description.ToList();
            foreach (var text in expected)
            {
                Assert.True(lines.Any(l => l.Contains(text)), $"no line mentions '{text}':\n{string.Join("\n", lines)}");
            }

            foreach (var secret in Secrets)
            {
                Assert.DoesNotContain(lines, l => l.Contains(secret));
            }
        }

        [Fact]
        public void EtcdPlan()
        {
            var inventory = TestInventory.ThreeNodes();
            AssertDescribes(EtcdSteps.For(inventory, inventory.Nodes[0], null).Describe(),
                "[install etcd] check: dpkg-query -W etcd-server etcd-client",
                "install --no-install-recommends etcd-server etcd-client",
                "[certificate /etc/hapg/tls/etcd.crt] file:  /etc/hapg/tls/ca.crt (mode 0644, root:root, the cluster CA's certificate)",
                "check: /etc/hapg/tls/etcd.crt issued by the cluster CA, naming pg1, 10.0.0.11, matching its key, valid for more than 30 days",
                "file:  /etc/hapg/tls/etcd.key (mode 0600, etcd:etcd, a new key, only when the check fails; not shown)",
                "[write /etc/default/etcd] file:  /etc/default/etcd (mode 0644, root:root,",
                "run:   systemctl stop etcd; rm -rf /var/lib/etcd/default",
                "run:   systemctl enable etcd; systemctl --no-block start etcd",
                "systemctl --no-block restart etcd   (only if write /etc/default/etcd, certificate /etc/hapg/tls/etcd.crt changed, or a watched file is newer than its last start or reload)",
                "run:   install -d -m 0755 /var/lib/hapg && touch '/var/lib/hapg/etcd.service.applied'   (after a start, restart or reload)");
        }

        [Fact]
        public void PostgresInstallPlan()
        {
            var inventory = TestInventory.ThreeNodes();
            AssertDescribes(PostgresSteps.Install(inventory, inventory.Nodes[1]).Describe(),
                "file:  /etc/postgresql-common/createcluster.d/hapg.conf (mode 0644, root:root,",
                "check: dpkg-query -W postgresql-15 patroni python3-etcd",
                "install --no-install-recommends postgresql-15 patroni python3-etcd",
                "check: ls -d /usr/lib/postgresql/*/bin",
                "printf 'disabled\\n' > /etc/postgresql/15/main/start.conf",
                "pg_ctlcluster 15 main stop",
                "systemctl disable --now postgresql");
        }

        [Fact]
        public void PostgresInstallPlanFromPgdgAddsTheVerifiedSourceBeforeThePackages()
        {
            var inventory = TestInventory.ThreeNodes();
            var lines = PostgresSteps.Install(inventory, inventory.Nodes[1], PatroniSource.Pgdg).Describe().ToList();
            AssertDescribes(lines,
                "install --no-install-recommends postgresql-common ca-certificates",
                "check: the OpenPGP fingerprint of /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc is B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8, its only key",
                "file:  /etc/apt/keyrings/hapg-pgdg.asc (mode 0644, root:root, that key)",
                "file:  /etc/apt/sources.list.d/hapg-pgdg.sources (mode 0644, root:root; https://apt.postgresql.org/pub/repos/apt <codename>-pgdg main",
                "file:  /etc/apt/preferences.d/hapg-pgdg.pref (mode 0644, root:root,",
                "check: apt-cache policy | grep -q apt.postgresql.org");
            Assert.True(lines.FindIndex(l => l.Contains("hapg-pgdg.pref")) < lines.FindIndex(l => l.Contains("install --no-install-recommends postgresql-15 patroni")));
            Assert.DoesNotContain(PostgresSteps.Install(inventory, inventory.Nodes[1]).Describe(), l => l.Contains("pgdg"));
        }

        [Fact]
        public void PatroniConfigPlan()
        {
            var inventory = TestInventory.ThreeNodes();
            AssertDescribes(PatroniSteps.Configure(inventory, inventory.Nodes[2], 15, new PatroniSettings(), PatroniConfigTests.Passwords(), null, "app-secret").Describe(),
                "install -d -o postgres -g postgres -m 0700 '/var/lib/postgresql/15/demo'",
                "file:  /etc/hapg/tls/postgres.key (mode 0600, postgres:postgres, a new key, only when the check fails; not shown)",
                "file:  /etc/patroni/application.secret (mode 0600, root:root, content holds secrets, not shown)",
                "file:  /etc/patroni/config.yml (mode 0600, postgres:postgres, content holds secrets, not shown)",
                "file:  /etc/systemd/system/patroni.service (mode 0644, root:root,",
                "systemctl daemon-reload   (only if write /etc/systemd/system/patroni.service changed, or is newer than its last start or reload)",
                "systemctl reload patroni.service   (only if write /etc/patroni/config.yml, certificate /etc/hapg/tls/postgres.crt changed, or a watched file is newer than its last start or reload)",
                "find '/etc/patroni/config.yml' '/etc/hapg/tls/ca.crt' '/etc/hapg/tls/postgres.key' '/etc/hapg/tls/postgres.crt' '/etc/systemd/system/patroni.service' -maxdepth 0 -newer \"$s\" -print");
        }

        [Fact]
        public void HaproxyPlan()
        {
            var inventory = TestInventory.ThreeNodes(dedicatedHaproxy: true);
            AssertDescribes(HaproxySteps.For(inventory, inventory.Nodes[3], new HaproxySettings { StatsPassword = StatsPassword }, null).Describe(),
                "check: dpkg-query -W haproxy socat",
                "file:  /etc/hapg/tls/haproxy.pem (mode 0600, root:root, a new certificate and key, only when the check fails; key not shown)",
                "file:  /etc/haproxy/haproxy.cfg (mode 0600, root:root, content holds secrets, not shown)",
                "check: haproxy -c -f '/etc/haproxy/haproxy.cfg.hapg-new'",
                "systemctl reload haproxy   (only if write /etc/haproxy/haproxy.cfg, certificate /etc/hapg/tls/haproxy.pem changed, or a watched file is newer than its last start or reload)");
        }

        [Fact]
        public void FirewallPlan()
        {
            var inventory = TestInventory.ThreeNodes(false, "192.168.10.0/24");
            var node = inventory.Nodes[0];
            AssertDescribes(FirewallSteps.For(inventory, node, _ => Task.CompletedTask).Describe(),
                "check: command -v ufw >/dev/null 2>&1 && ufw status | grep -q '^Status: active'",
                "(if ufw is active)",
                "systemd-run --quiet --unit=hapg-firewall-rollback --on-active=120 /usr/sbin/nft delete table inet hapg",
                "[install nftables] check: dpkg-query -W nftables   (unless ufw is active)",
                "check: nft list table inet hapg   (carries comment \"hapg:sha256:",
                "run:   systemctl reload 'hapg-firewall.service'   (only if it does not)",
                "file:  /etc/hapg/firewall.nft (mode 0644, root:root,",
                "check: nft -c -f '/etc/hapg/firewall.nft.hapg-new'",
                "file:  /etc/systemd/system/hapg-firewall.service",
                "systemctl enable hapg-firewall.service",
                "check: a new SSH session to 10.0.0.11:22 still gets in; then systemctl stop hapg-firewall-rollback.timer",
                "ufw allow proto tcp from 192.168.10.0/24 to any port 5000 comment 'hapg:demo'",
                "(after disarming: the wanted state is still loaded, else HaPg.Firewall.SafetyTimerFired)");
        }
    }
}
