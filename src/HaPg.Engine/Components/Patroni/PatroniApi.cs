using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Common;
using HaPg.Components.Tls;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Remote;

namespace HaPg.Components.Patroni
{
    /// <summary>
    /// Patroni's REST API, called from the database node itself with the python3 Patroni runs on: the firewall
    /// keeps 8008 closed to everyone but the cluster, so the admin host cannot reach it directly.
    /// Credentials for unsafe methods travel on stdin, never on a command line. HTTPS, the certificate checked against the
    /// cluster CA and the node's address.
    /// </summary>
    public static class PatroniApi
    {
        private const string GetScript =
            "import sys,ssl,urllib.request,urllib.error\n" +
            "ctx=ssl.create_default_context(cafile='" + TlsIdentity.CaPath + "')\n" +
            "try:\n r=urllib.request.urlopen(sys.argv[1],timeout=5,context=ctx); print(r.status); print(r.read().decode())\n" +
            "except urllib.error.HTTPError as e:\n print(e.code); print(e.read().decode())\n";

        private const string PatchScript =
            "import sys,ssl,base64,urllib.request,urllib.error\n" +
            "ctx=ssl.create_default_context(cafile='" + TlsIdentity.CaPath + "')\n" +
            "user=sys.stdin.readline().rstrip('\\n'); pw=sys.stdin.readline().rstrip('\\n'); body=sys.stdin.read().encode()\n" +
            "auth=base64.b64encode((user+':'+pw).encode()).decode()\n" +
            "req=urllib.request.Request(sys.argv[1],data=body,method=sys.argv[2],headers={'Content-Type':'application/json','Authorization':'Basic '+auth})\n" +
            "try:\n print(urllib.request.urlopen(req,timeout=30,context=ctx).read().decode())\n" +
            "except urllib.error.HTTPError as e:\n sys.stderr.write('HTTP %d: %s\\n' % (e.code, e.read().decode().strip())); sys.exit(1)\n";

        public static string Url(HaPgInventory inventory, HaPgNode node, string path) =>
            "https://" + NetAddress.HostPort(node, inventory.Ports.PatroniRest) + path;

        /// <summary>GET a Patroni endpoint of <paramref name="target"/>, asked from <paramref name="from"/>: (HTTP status, body); status 0 when unreachable.</summary>
        public static async Task<(int Status, string Body)> GetAsync(IRemoteHost from, HaPgInventory inventory, HaPgNode target, string path,
            CancellationToken cancellationToken)
        {
            var result = await from.ExecuteAsync(
                new RemoteCommand("python3 -c " + ShellQuote.Quote(GetScript) + " " + ShellQuote.Quote(Url(inventory, target, path))) { Sudo = false, LogStdout = false },
                cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                return (0, result.Stderr);
            }

            var newline = result.Stdout.IndexOf('\n');
            return newline > 0 && int.TryParse(result.Stdout.Substring(0, newline), NumberStyles.None, CultureInfo.InvariantCulture, out var status)
                ? (status, result.Stdout.Substring(newline + 1))
                : (0, result.Stdout);
        }

        /// <summary>The cluster as the member on <paramref name="host"/> sees it (GET /cluster); empty when Patroni does not answer.</summary>
        public static async Task<IReadOnlyList<PatroniMember>> GetClusterAsync(IRemoteHost host, HaPgInventory inventory, CancellationToken cancellationToken)
        {
            var (status, body) = await GetAsync(host, inventory, host.Node, "/cluster", cancellationToken).ConfigureAwait(false);
            return status == 200 ? PatroniRestParser.ParseCluster(body) : Array.Empty<PatroniMember>();
        }

        /// <summary>PATCH (or another unsafe method) with basic auth; the body is JSON.</summary>
        public static Task<RemoteCommandResult> SendAsync(IRemoteHost host, HaPgInventory inventory, string method, string path, string jsonBody,
            string user, string password, CancellationToken cancellationToken)
        {
            var command = new RemoteCommand("python3 -c " + ShellQuote.Quote(PatchScript) + " " + ShellQuote.Quote(Url(inventory, host.Node, path)) + " " + method)
            {
                Sudo = false,
                Stdin = user + "\n" + password + "\n" + jsonBody,
            };
            command.Secrets.Add(password);
            return host.RunAsync(command, cancellationToken, $"{method} {path}");
        }

        /// <summary>Polls GET /cluster on <paramref name="host"/> until <paramref name="ready"/> holds; throws HaPg.Patroni.NotReady after the timeout.</summary>
        public static async Task<IReadOnlyList<PatroniMember>> WaitAsync(IRemoteHost host, HaPgInventory inventory, Func<IReadOnlyList<PatroniMember>, bool> ready,
            string what, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var (members, done) = await Poll.UntilAsync(() => GetClusterAsync(host, inventory, cancellationToken), ready, timeout,
                TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            return done
                ? members
                : throw new HaPgRemoteException("HaPg.Patroni.NotReady", System.Management.Automation.ErrorCategory.OperationTimeout, host.Node,
                    $"{host.Node.Name}: {what} not reached after {timeout.TotalSeconds:N0} s; members: {string.Join("; ", members)}");
        }
    }
}
