using System.Management.Automation;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Operations;
using HaPg.Results;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Connects to each node over SSH, checks sudo, and reports the facts HaPg depends on.</summary>
    /// <remarks>
    /// <para>For each node, in parallel: connects and authenticates (checking the host key against known_hosts and
    /// the node's pinned HostKeySha256), runs 'true' under sudo, and reads the OS and its version, whether systemd is
    /// PID 1, the free space on /, whether apt works, and the installed versions of PostgreSQL, Patroni, etcd and HAProxy.
    /// Nothing on the node is changed.</para>
    /// <para>It writes one HaPgConnectionResult per node, even when the node fails. Each problem is also a
    /// non-terminating error that names the node: HaPg.Ssh.Unreachable, HaPg.Ssh.Timeout, HaPg.Ssh.AuthenticationFailed,
    /// HaPg.Ssh.HostKeyUnknown, HaPg.Ssh.HostKeyMismatch, HaPg.Ssh.SudoRefused, HaPg.Connection.UnsupportedOs (not Debian 12
    /// or 13, Ubuntu 22.04 or 24.04), HaPg.Connection.NoSystemd and HaPg.Connection.AptFailed.</para>
    /// <para>A host key that known_hosts does not know is refused unless -AcceptHostKey or -Force is given; then it is
    /// trusted and appended to known_hosts (the inventory's KnownHostsPath, else ~/.ssh/known_hosts). A host key that
    /// CHANGED is always refused. Connections stay open for the next HaPg cmdlets of the same pipeline.</para>
    /// <para>Where HaPg would send the host a password (the -Credential password when a node has no KeyPath, or the sudo
    /// password in sudo mode Password), an unknown key is never trusted unseen: HaPg first connects without logging in, only
    /// to learn the key, then asks you to confirm each node's fingerprint (-Force does not answer for you). Only a confirmed
    /// fingerprint gets the password; declined, or in a non-interactive session, the node fails with
    /// HaPg.Connection.UnverifiedKeyWithPassword and nothing is sent. Pin the node's HostKeySha256 (New-HaPgInventory
    /// -HostKeySha256, or hostKeySha256 in the YAML) to go without asking. Key logins keep -AcceptHostKey as it is.</para>
    /// </remarks>
    /// <example>
    /// <code>$inventory | Test-HaPgConnection -AcceptHostKey</code>
    /// <para>Tests every node, trusting and recording host keys seen for the first time.</para>
    /// </example>
    /// <example>
    /// <code>Test-HaPgConnection -Inventory $inventory -Node pg1, pg2 -Verbose</code>
    /// <para>Tests two nodes and shows each remote command and its output, prefixed by the node name, with passwords masked.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Test, "HaPgConnection")]
    [OutputType(typeof(HaPgConnectionResult))]
    public sealed class TestHaPgConnectionCommand : NodeCmdlet
    {
        /// <summary>Same as -AcceptHostKey for host keys seen for the first time (it never confirms a key that would get a password).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override bool AcceptUnknownHostKey => AcceptHostKey || Force;

        // It only looks: it also runs after an earlier step of the pipeline failed, when it helps most.
        protected override bool BuildsOnEarlierSteps => false;

        protected override void Process(HaPgInventory inventory) =>
            Runner.Run(inventory, SelectNodes(inventory, HaPgRole.None), ThrottleLimit, "Testing connections", ConnectionTest.TestAsync);
    }
}
