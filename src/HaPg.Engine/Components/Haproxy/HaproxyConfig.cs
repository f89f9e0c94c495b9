using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using HaPg.Components.Common;
using HaPg.Components.Tls;
using HaPg.Inventory;
using HaPg.Steps;

namespace HaPg.Components.Haproxy
{
    /// <summary>
    /// /etc/haproxy/haproxy.cfg: :5000 to the Patroni leader (HEAD /primary), :5001 to the replicas (HEAD /replica),
    /// :7000 stats over TLS behind basic auth, each on the node's own address, and 5000/5001 also on the inventory's virtual IP when it
    /// has one. Plain TCP proxying, so PostgreSQL sees the HAProxy node as the client and TLS runs from client to PostgreSQL.
    /// Health checks are HTTPS, the Patroni certificate verified against the cluster CA and the server's name.
    /// "option httpchk HEAD /uri" is used (not "http-check send") so Ubuntu 20.04's HAProxy 2.0 reads it too.
    /// </summary>
    public static class HaproxyConfig
    {
        public const string FilePath = "/etc/haproxy/haproxy.cfg";
        public const string AdminSocket = "/run/haproxy/admin.sock";
        public const string PrimaryProxy = "primary";
        public const string ReplicasProxy = "replicas";
        public const string StatsProxy = "stats";

        /// <summary>Reads the stats CSV over the local admin socket (needs socat); parse with <see cref="HaproxyStatsParser"/>.</summary>
        public const string ShowStatCommand = "echo 'show stat' | socat stdio unix-connect:" + AdminSocket;

        /// <summary>
        /// The stats password of a deployed haproxy.cfg (its "stats auth 'user:password'" line), or null, so a re-run
        /// keeps the password the cluster already has.
        /// </summary>
        public static string? ReadStatsPassword(string deployedConfig)
        {
            foreach (var raw in deployedConfig.Split('\n'))
            {
                var line = raw.Trim();
                if (line.StartsWith("stats auth '", System.StringComparison.Ordinal) && line.EndsWith("'", System.StringComparison.Ordinal))
                {
                    var auth = line.Substring("stats auth '".Length, line.Length - "stats auth '".Length - 1);
                    var colon = auth.IndexOf(':');
                    return colon > 0 ? auth.Substring(colon + 1) : null;
                }
            }

            return null;
        }

        public static DesiredFile Render(HaPgInventory inventory, HaPgNode node, HaproxySettings settings)
        {
            Validate(inventory, node, settings);
            var ports = inventory.Ports;
            var timing = settings.Timing;
            var bind = settings.BindAddress ?? NetAddress.NodeIp(node).ToString();
            var statsBind = settings.StatsBindAddress ?? NetAddress.NodeIp(node).ToString();
            string Port(int p) => p.ToString(CultureInfo.InvariantCulture);
            string Bind(string address, int port) => NetAddress.HostPort(IPAddress.Parse(address), port);

            var sb = new StringBuilder();
            sb.Append("# Managed by HaPg for node ").Append(HeaderText.Of(node.Name)).Append(" of cluster ").Append(HeaderText.Of(inventory.ClusterName)).Append(".\n");
            sb.Append("global\n");
            sb.Append("\tlog /dev/log local0\n");
            sb.Append("\tlog /dev/log local1 notice\n");
            sb.Append("\tchroot /var/lib/haproxy\n");
            sb.Append("\tstats socket ").Append(AdminSocket).Append(" mode 660 level admin\n");
            sb.Append("\tstats timeout 30s\n");
            sb.Append("\tuser haproxy\n");
            sb.Append("\tgroup haproxy\n");
            sb.Append("\tdaemon\n");
            sb.Append("\tmaxconn 4096\n\n");
            sb.Append("defaults\n");
            sb.Append("\tlog global\n");
            sb.Append("\tmode tcp\n");
            sb.Append("\toption dontlognull\n");
            sb.Append("\tretries 2\n");
            // The last retry of a refused connect is balanced again: while a switchover's old and new leader are both
            // UP for a moment, it can reach the new one instead of failing on the old.
            sb.Append("\toption redispatch\n");
            sb.Append("\ttimeout connect 4s\n");
            sb.Append("\ttimeout client 30m\n");
            sb.Append("\ttimeout server 30m\n");
            sb.Append("\ttimeout check 5s\n\n");
            sb.Append("listen ").Append(StatsProxy).Append('\n');
            sb.Append("\tmode http\n");
            sb.Append("\tbind ").Append(Bind(statsBind, ports.HaproxyStats)).Append(" ssl crt ").Append(TlsIdentity.Haproxy.CertificatePath).Append('\n');
            sb.Append("\tstats enable\n");
            sb.Append("\tstats uri /\n");
            sb.Append("\tstats refresh 10s\n");
            sb.Append("\tstats auth '").Append(settings.StatsUser).Append(':').Append(settings.StatsPassword).Append("'\n");

            foreach (var (name, port, check) in new[] { (PrimaryProxy, ports.HaproxyPrimary, "/primary"), (ReplicasProxy, ports.HaproxyReplica, "/replica") })
            {
                sb.Append('\n').Append("listen ").Append(name).Append('\n');
                sb.Append("\tbind ").Append(Bind(bind, port)).Append('\n');
                if (inventory.VirtualIP is not null && settings.BindAddress is null)
                {
                    // keepalived holds the address on one node at a time: "transparent" binds it on the others too, so a takeover needs no reload.
                    sb.Append("\tbind ").Append(Bind(Keepalived.KeepalivedConfig.Address(inventory).ToString(), port)).Append(" transparent\n");
                }

                if (name == ReplicasProxy)
                {
                    sb.Append("\tbalance roundrobin\n");
                }

                sb.Append("\toption httpchk HEAD ").Append(check).Append('\n');
                sb.Append("\thttp-check expect status 200\n");
                sb.Append("\tdefault-server ").Append(timing.HaproxyCheckOptions).Append(" on-marked-down shutdown-sessions\n");
                foreach (var server in inventory.NodesWithRole(HaPgRole.Postgres))
                {
                    sb.Append("\tserver ").Append(server.Name).Append(' ').Append(NetAddress.HostPort(server, ports.Postgres))
                        .Append(" maxconn ").Append(Port(settings.ServerMaxConn)).Append(" check port ").Append(Port(ports.PatroniRest))
                        .Append(" check-ssl verify required ca-file ").Append(TlsIdentity.CaPath).Append(" verifyhost ").Append(server.Name).Append('\n');
                }
            }

            return new DesiredFile(FilePath, sb.ToString(), "0600", "root", "root", containsSecrets: true,
                validateCommand: "haproxy -c -f {0}");
        }

        /// <summary>
        /// Throws HaPg.Haproxy.InvalidBindAddress unless the settings' bind addresses are IP addresses. Needs no host, so a cmdlet
        /// checks it before it reads any.
        /// </summary>
        public static void RequireBindAddresses(HaPgNode node, HaproxySettings settings)
        {
            foreach (var address in new[] { settings.BindAddress, settings.StatsBindAddress })
            {
                if (address is not null && !IPAddress.TryParse(address, out _))
                {
                    throw new HaPgValidationException("HaPg.Haproxy.InvalidBindAddress",
                        $"Node '{node.Name}': bind address '{address}' is not an IP address.", node,
                        System.Management.Automation.ErrorCategory.InvalidArgument);
                }
            }
        }

        private static void Validate(HaPgInventory inventory, HaPgNode node, HaproxySettings settings)
        {
            settings.Timing.Validate().ThrowIfAnyError();
            if (!node.HasRole(HaPgRole.Haproxy))
            {
                throw new HaPgValidationException("HaPg.Haproxy.NotAHaproxyNode", $"Node '{node.Name}' has no Haproxy role.", node,
                    System.Management.Automation.ErrorCategory.InvalidArgument);
            }

            if (!inventory.NodesWithRole(HaPgRole.Postgres).Any())
            {
                throw new HaPgValidationException("HaPg.Haproxy.NoPostgresNodes", "No node has the Postgres role; HAProxy would have no servers.",
                    inventory, System.Management.Automation.ErrorCategory.InvalidArgument);
            }

            foreach (var server in inventory.NodesWithRole(HaPgRole.Postgres))
            {
                Names.RequirePlain(server.Name, "HAProxy server name", server);
            }

            RequireBindAddresses(node, settings);

            // Single-quoted in the file: no expansion, but a quote, colon (user) or control character cannot be written.
            if (string.IsNullOrEmpty(settings.StatsPassword) || !Names.IsPlain(settings.StatsUser) ||
                settings.StatsPassword!.Any(c => c == '\'' || char.IsControl(c)))
            {
                throw new HaPgValidationException("HaPg.Haproxy.InvalidStatsCredential",
                    $"Node '{node.Name}': the stats user must be plain and the stats password non-empty, without quotes or control characters.",
                    node, System.Management.Automation.ErrorCategory.InvalidArgument);
            }
        }
    }
}
