using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Common;
using HaPg.Inventory;
using HaPg.Remote;

namespace HaPg.Components.Tls
{
    /// <summary>
    /// What a node shows of its TLS, asked on the node itself against its own address (the firewall always lets a node
    /// reach itself): whether each managed port answers plaintext, whether etcd serves a client without a certificate,
    /// what an unauthenticated POST to Patroni gets, and the certificates it holds (never a key).
    /// </summary>
    public static class TlsProbe
    {
        /// <summary>The unauthenticated POST: a role no member has, so a Patroni that let it through would still restart nothing.</summary>
        public const string RestartProbeBody = "{\"role\": \"hapg-check-only\"}";

        private const string Separator = "--hapg-tls--";

        /// <summary>The ports of <paramref name="node"/> that must refuse plaintext, by service name.</summary>
        public static IReadOnlyList<(string Service, int Port)> ManagedPorts(HaPgInventory inventory, HaPgNode node)
        {
            var ports = inventory.Ports;
            var list = new List<(string, int)>();
            if (node.HasRole(HaPgRole.Postgres))
            {
                list.Add(("postgresql", ports.Postgres));
                list.Add(("patroni", ports.PatroniRest));
            }

            if (node.HasRole(HaPgRole.Etcd))
            {
                list.Add(("etcd-client", ports.EtcdClient));
                list.Add(("etcd-peer", ports.EtcdPeer));
            }

            if (node.HasRole(HaPgRole.Haproxy))
            {
                list.Add(("haproxy-stats", ports.HaproxyStats));
            }

            return list;
        }

        public static string Command(HaPgInventory inventory, HaPgNode node)
        {
            var ip = NetAddress.NodeIp(node).ToString();
            string P(int p) => p.ToString(CultureInfo.InvariantCulture);
            var sb = new StringBuilder();
            sb.Append("plain() { out=$(timeout 3 bash -c 'exec 3<>/dev/tcp/'\"$2\"'/'\"$3\"' || exit 7; printf \"GET / HTTP/1.0\\r\\n\\r\\n\" >&3; head -c 200 <&3' 2>/dev/null | tr -c '[:print:]' ' ' | cut -c1-100); ")
              .Append("echo \"plain $1 $out\"; }\n");
            foreach (var (service, port) in ManagedPorts(inventory, node).Where(p => p.Service != "postgresql"))
            {
                sb.Append("plain ").Append(service).Append(' ').Append(ip).Append(' ').Append(P(port)).Append('\n');
            }

            if (node.HasRole(HaPgRole.Postgres))
            {
                sb.Append("echo \"plain postgresql $(PGCONNECT_TIMEOUT=3 psql -w -X -q 'host=").Append(ip).Append(" port=").Append(P(inventory.Ports.Postgres))
                  .Append(" dbname=postgres user=hapg-check sslmode=disable' -c 'select 1' 2>&1 | head -1 | tr -c '[:print:]' ' ')\"\n");
                sb.Append("echo \"restapi $(python3 -c ").Append(ShellQuote.Quote(
                    "import ssl,urllib.request as r,urllib.error as e\n" +
                    "ctx=ssl.create_default_context(cafile='" + TlsIdentity.CaPath + "')\n" +
                    "try:\n r.urlopen(r.Request('https://" + NetAddress.HostPort(node, inventory.Ports.PatroniRest) + "/restart',data=b'" + RestartProbeBody +
                    "',method='POST',headers={'Content-Type':'application/json'}),timeout=5,context=ctx); print(200)\n" +
                    "except e.HTTPError as x:\n print(x.code)\n" +
                    "except Exception as x:\n print(0, type(x).__name__)\n")).Append(" 2>&1 | tr -c '[:print:]' ' ')\"\n");
            }

            if (node.HasRole(HaPgRole.Etcd))
            {
                // The same request with and without the node's client certificate: only the certificate differs, so a refusal
                // without it and an answer with it show that etcd requires one (the refusal itself reads "certificate required"
                // or, when the server drops the handshake first, "broken pipe").
                var etcdctl = "ETCDCTL_API=3 etcdctl --endpoints=https://" + NetAddress.HostPort(node, inventory.Ports.EtcdClient) +
                              " --cacert=" + TlsIdentity.CaPath + " --dial-timeout=3s --command-timeout=3s";
                sb.Append("out=$(").Append(etcdctl).Append(" endpoint health 2>&1); ")
                  .Append("echo \"nocert $? $( (echo \"$out\" | grep -io -m1 '[a-z: ]*certificate[a-z ]*' || echo \"$out\" | tail -1) | tr -c '[:print:]' ' ' | cut -c1-160)\"\n");
                sb.Append(etcdctl).Append(" --cert=").Append(TlsIdentity.Etcd.CertificatePath).Append(" --key=").Append(TlsIdentity.Etcd.KeyPath)
                  .Append(" endpoint health >/dev/null 2>&1; echo \"withcert $?\"\n");
            }

            foreach (var path in CertificatePaths(node))
            {
                sb.Append("if [ -f ").Append(path).Append(" ]; then echo ").Append(Separator).Append(' ').Append(path)
                  .Append("; sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' ").Append(path).Append("; fi\n");
            }

            return sb.ToString();
        }

        /// <summary>The certificate files a node of these roles holds.</summary>
        public static IReadOnlyList<string> CertificatePaths(HaPgNode node)
        {
            var paths = new List<string> { TlsIdentity.CaPath };
            if (node.HasRole(HaPgRole.Etcd)) paths.Add(TlsIdentity.Etcd.CertificatePath);
            if (node.HasRole(HaPgRole.Postgres)) paths.Add(TlsIdentity.Postgres.CertificatePath);
            if (node.HasRole(HaPgRole.Haproxy)) paths.Add(TlsIdentity.Haproxy.CertificatePath);
            return paths;
        }

        public static async Task<TlsFacts> ReadAsync(IRemoteHost host, HaPgInventory inventory, CancellationToken cancellationToken)
        {
            var output = await host.ExecuteAsync(new RemoteCommand(Command(inventory, host.Node)) { LogStdout = false }, cancellationToken).ConfigureAwait(false);
            return Parse(output.Stdout);
        }

        public static TlsFacts Parse(string output)
        {
            var facts = new TlsFacts();
            var sections = output.Split(new[] { Separator }, StringSplitOptions.None);
            foreach (var line in sections[0].Split('\n').Select(l => l.TrimEnd()))
            {
                var parts = line.Split(new[] { ' ' }, 3);
                if (parts.Length >= 2 && parts[0] == "plain")
                {
                    facts.Plaintext[parts[1]] = parts.Length == 3 ? parts[2].Trim() : string.Empty;
                }
                else if (parts.Length >= 2 && parts[0] == "restapi")
                {
                    facts.RestApiUnauthenticated = (parts[1] + (parts.Length == 3 ? " " + parts[2] : string.Empty)).Trim();
                }
                else if (parts.Length >= 2 && parts[0] == "withcert")
                {
                    facts.EtcdWithCertificateServed = parts[1] == "0";
                }
                else if (parts.Length >= 2 && parts[0] == "nocert")
                {
                    facts.EtcdWithoutCertificate = (parts[1] == "0" ? "served: " : "refused: ") + (parts.Length == 3 ? parts[2].Trim() : string.Empty);
                }
            }

            foreach (var section in sections.Skip(1))
            {
                var newline = section.IndexOf('\n');
                var path = (newline < 0 ? section : section.Substring(0, newline)).Trim();
                var pem = newline < 0 ? string.Empty : section.Substring(newline + 1);
                try
                {
                    facts.Certificates[path] = CertificateInfo.Parse(pem);
                }
                catch (HaPgException)
                {
                    facts.Certificates[path] = null;
                }
            }

            return facts;
        }

        /// <summary>
        /// Whether a plaintext answer means the port served plaintext: an HTTP status other than the 400 a TLS-only Go server (etcd)
        /// sends to plain HTTP, or a PostgreSQL that got past pg_hba without encryption. Silence, a closed connection and
        /// pg_hba's "no encryption" refusal are refusals.
        /// </summary>
        public static bool ServedPlaintext(string service, string answer) =>
            service == "postgresql"
                ? answer.Length > 0 && answer.IndexOf("no encryption", StringComparison.OrdinalIgnoreCase) < 0
                  && answer.IndexOf("could not connect", StringComparison.OrdinalIgnoreCase) < 0
                  && answer.IndexOf("Connection refused", StringComparison.OrdinalIgnoreCase) < 0
                : answer.StartsWith("HTTP/", StringComparison.Ordinal) && !answer.Contains(" 400 ");
    }
}
