using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Inventory;
using HaPg.Remote;

namespace HaPg.PowerShell
{
    /// <summary>
    /// -AcceptHostKey where a password would go to the host: before any session authenticates, learn each unknown key by a
    /// key-exchange-only probe, and ask on the pipeline thread, once per node and fingerprint, whether it is the host's key.
    /// A confirmed fingerprint is the only one the real connection then trusts (its HostKeyReceived checks it, before the
    /// password is sent); a declined one, or no answer (a non-interactive session), ends as HaPg.Connection.UnverifiedKeyWithPassword.
    /// -Force never answers for the user: pin HostKeySha256 to go without asking.
    /// </summary>
    internal static class HostKeyConfirmation
    {
        internal static void Run(PSCmdlet cmdlet, HaPgInventory inventory, System.Collections.Generic.IReadOnlyList<HaPgNode> nodes,
            SshConnectOptions options, CancellationToken cancellationToken)
        {
            var knownHostsPath = KnownHostsFile.ResolvePath(inventory.KnownHostsPath);
            var knownHosts = KnownHostsFile.Load(knownHostsPath);
            var pending = nodes.Where(n => HostKeyPolicy.NeedsConfirmation(inventory, n, knownHosts, options)).ToList();
            if (pending.Count == 0)
            {
                return;
            }

            var probes = pending.Select(n => Task.Run(() => SshNodeConnection.ProbeHostKeyAsync(inventory, n, options, cancellationToken))).ToArray();
            var fingerprints = Task.WhenAll(probes).GetAwaiter().GetResult();
            for (var i = 0; i < pending.Count; i++)
            {
                var node = pending[i];
                if (fingerprints[i] is not string fingerprint)
                {
                    continue; // unreachable: the node's own connection says so
                }

                var query = $"{node.Name} ({KnownHostsFile.HostName(node.Address, node.Port)}) presents a host key that {knownHostsPath} does not know:\n" +
                    $"  {fingerprint}\nHaPg would send it {HostKeyPolicy.PasswordsSentTo(inventory, node)}. Trust it only if it is that host's own key " +
                    "(on the host: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub). Trust it and record it in known_hosts?";
                if (Ask(cmdlet, query))
                {
                    options.ConfirmedHostKeys[node.Name] = fingerprint;
                }
                else
                {
                    cmdlet.WriteVerbose($"[{node.Name}] host key {fingerprint} not confirmed; no password is sent to it.");
                }
            }
        }

        // Declined when nobody can answer (input redirected, -NonInteractive, a host without a UI), and No is the default:
        // never a password to a key nobody checked. ShouldContinue is not used: its default answer is Yes, which an empty line
        // on a redirected stdin gives.
        private static bool Ask(PSCmdlet cmdlet, string query)
        {
            if (System.Console.IsInputRedirected || cmdlet.Host?.UI is null)
            {
                return false;
            }

            try
            {
                var choices = new System.Collections.ObjectModel.Collection<System.Management.Automation.Host.ChoiceDescription>
                {
                    new System.Management.Automation.Host.ChoiceDescription("&Yes", "Trust this key, record it in known_hosts and log in."),
                    new System.Management.Automation.Host.ChoiceDescription("&No", "Send nothing to this host; the node fails with HaPg.Connection.UnverifiedKeyWithPassword."),
                };
                return cmdlet.Host.UI.PromptForChoice("Unknown SSH host key", query, choices, defaultChoice: 1) == 0;
            }
            catch (System.Exception ex) when (ex is PSInvalidOperationException || ex is System.Management.Automation.Host.HostException
                || ex is System.NotImplementedException || ex is System.NotSupportedException)
            {
                return false;
            }
        }
    }
}
