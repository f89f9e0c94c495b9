using System.Management.Automation;
using HaPg.Inventory;

namespace HaPg.Remote
{
    public enum HostKeyVerdict
    {
        /// <summary>known_hosts has the key.</summary>
        Known,

        /// <summary>The node's pinned HostKeySha256 matches.</summary>
        Pinned,

        /// <summary>Unknown, and the user accepted unknown keys: trust it and record it in known_hosts.</summary>
        AcceptedNew,

        Unknown,

        /// <summary>Unknown, accepted, but a password would be sent to it and nobody confirmed its fingerprint.</summary>
        UnverifiedWithPassword,

        Mismatch,
        Revoked,
    }

    /// <summary>What to do with a host key. Trust and Record say it; the rest is for the error message.</summary>
    public sealed class HostKeyDecision
    {
        internal HostKeyDecision(HostKeyVerdict verdict, string fingerprint, string? expectedFingerprint = null, string? expectedSource = null)
        {
            Verdict = verdict;
            Fingerprint = fingerprint;
            ExpectedFingerprint = expectedFingerprint;
            ExpectedSource = expectedSource;
        }

        public HostKeyVerdict Verdict { get; }

        /// <summary>SHA256:... of the key the host presented.</summary>
        public string Fingerprint { get; }

        /// <summary>On a mismatch: SHA256:... of the key HaPg expected.</summary>
        public string? ExpectedFingerprint { get; }

        /// <summary>On a mismatch: where the expected key comes from (known_hosts path or the inventory pin).</summary>
        public string? ExpectedSource { get; }

        public bool Trust => Verdict == HostKeyVerdict.Known || Verdict == HostKeyVerdict.Pinned || Verdict == HostKeyVerdict.AcceptedNew;

        /// <summary>Record the key in known_hosts once connected.</summary>
        public bool Record => Verdict == HostKeyVerdict.AcceptedNew;

        /// <summary>The refusal as an error, or null when the key is trusted.</summary>
        public HaPgRemoteException? ToException(HaPgNode node, string knownHostsPath)
        {
            var at = $"{node.Name} ({KnownHostsFile.HostName(node.Address, node.Port)})";
            switch (Verdict)
            {
                case HostKeyVerdict.Unknown:
                    return new HaPgRemoteException(RemoteErrorId.HostKeyUnknown, ErrorCategory.SecurityError, node,
                        $"The host key of {at} is not known: {Fingerprint}. Check that fingerprint on the host " +
                        $"(ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then trust it with -AcceptHostKey, which records it in " +
                        $"{knownHostsPath}, or pin it as the node's HostKeySha256.");
                case HostKeyVerdict.UnverifiedWithPassword:
                    return new HaPgRemoteException(RemoteErrorId.UnverifiedKeyWithPassword, ErrorCategory.SecurityError, node,
                        $"The host key of {at} is not known: {Fingerprint}, and HaPg would send it a password. -AcceptHostKey trusts an " +
                        "unknown key without a password only; nothing was sent. Check that fingerprint on the host " +
                        "(ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then pin it as the node's HostKeySha256, or confirm it when " +
                        $"Test-HaPgConnection -AcceptHostKey asks (it is then recorded in {knownHostsPath}), or log in with a key.");
                case HostKeyVerdict.Mismatch:
                    return new HaPgRemoteException(RemoteErrorId.HostKeyMismatch, ErrorCategory.SecurityError, node,
                        $"The host key of {at} has CHANGED: it presented {Fingerprint}, but {ExpectedSource} has {ExpectedFingerprint}. " +
                        "Someone may be intercepting the connection, or the host was reinstalled. HaPg refuses it even with " +
                        $"-AcceptHostKey or -Force; if the change is legitimate, remove the old key (ssh-keygen -R) and connect again.");
                case HostKeyVerdict.Revoked:
                    return new HaPgRemoteException(RemoteErrorId.HostKeyRevoked, ErrorCategory.SecurityError, node,
                        $"The host key of {at} ({Fingerprint}) is marked @revoked in {knownHostsPath}.");
                default:
                    return null;
            }
        }
    }

    /// <summary>
    /// Decides on a host key from data loaded before connecting. Runs inside SSH.NET's HostKeyReceived
    /// handler, so it never prompts and never touches a PowerShell stream or a file.
    /// </summary>
    public sealed class HostKeyPolicy
    {
        private readonly KnownHostsFile knownHosts;
        private readonly HaPgNode node;
        private readonly bool acceptUnknown;
        private readonly bool sendsPassword;
        private readonly string? confirmedFingerprint;

        /// <param name="acceptUnknown">-AcceptHostKey or -Force: trust a key that is unknown (never one that changed).</param>
        /// <param name="sendsPassword">A password would go to the host (<see cref="PasswordsSentTo"/>): then an unknown key needs
        /// <paramref name="confirmedFingerprint"/> to be its own.</param>
        /// <param name="confirmedFingerprint">The fingerprint the user confirmed for this node on the pipeline thread, if any.</param>
        public HostKeyPolicy(KnownHostsFile knownHosts, HaPgNode node, bool acceptUnknown, bool sendsPassword = false, string? confirmedFingerprint = null)
        {
            this.sendsPassword = sendsPassword;
            this.confirmedFingerprint = confirmedFingerprint is null ? null : HostKeyFingerprint.Normalize(confirmedFingerprint);
            this.knownHosts = knownHosts;
            this.node = node;
            this.acceptUnknown = acceptUnknown;
        }

        /// <summary>
        /// Which of the user's passwords a session to <paramref name="node"/> sends to the host, or null for none: the SSH
        /// password when it logs in with the Credential (no KeyPath; with one, the Credential is the key's passphrase and stays
        /// here), and the sudo password when sudo runs in Password mode.
        /// </summary>
        public static string? PasswordsSentTo(HaPgInventory inventory, HaPgNode node)
        {
            var ssh = string.IsNullOrEmpty(node.KeyPath) && inventory.Credential?.Password is { Length: > 0 };
            var sudo = inventory.SudoFor(node) == SudoMode.Password && inventory.SudoPassword is { Length: > 0 };
            return ssh && sudo ? "the SSH password and the sudo password" : ssh ? "the SSH password" : sudo ? "the sudo password" : null;
        }

        /// <summary>
        /// Whether accepting <paramref name="node"/>'s key needs the user to confirm its fingerprint first: a password would be
        /// sent to it, it has no pinned HostKeySha256, known_hosts has no key for it, and none was confirmed yet.
        /// </summary>
        public static bool NeedsConfirmation(HaPgInventory inventory, HaPgNode node, KnownHostsFile knownHosts, SshConnectOptions options) =>
            PasswordsSentTo(inventory, node) is not null && string.IsNullOrWhiteSpace(node.HostKeySha256)
            && knownHosts.KeyTypesFor(node.Address, node.Port).Count == 0 && !options.ConfirmedHostKeys.ContainsKey(node.Name);

        public HostKeyDecision Decide(byte[] keyBlob)
        {
            var fingerprint = HostKeyFingerprint.Sha256(keyBlob);
            var check = knownHosts.Check(node.Address, node.Port, keyBlob);
            if (check.Status == HostKeyStatus.Revoked)
            {
                return new HostKeyDecision(HostKeyVerdict.Revoked, fingerprint);
            }

            if (check.Status == HostKeyStatus.Mismatch)
            {
                return new HostKeyDecision(HostKeyVerdict.Mismatch, fingerprint, check.RecordedFingerprint, knownHosts.Path);
            }

            if (!string.IsNullOrWhiteSpace(node.HostKeySha256))
            {
                var pin = HostKeyFingerprint.Normalize(node.HostKeySha256!);
                return pin == fingerprint
                    ? new HostKeyDecision(HostKeyVerdict.Pinned, fingerprint)
                    : new HostKeyDecision(HostKeyVerdict.Mismatch, fingerprint, pin, $"the inventory's HostKeySha256 for {node.Name}");
            }

            return check.Status == HostKeyStatus.Trusted ? new HostKeyDecision(HostKeyVerdict.Known, fingerprint)
                : acceptUnknown && (!sendsPassword || confirmedFingerprint == fingerprint) ? new HostKeyDecision(HostKeyVerdict.AcceptedNew, fingerprint)
                : acceptUnknown ? new HostKeyDecision(HostKeyVerdict.UnverifiedWithPassword, fingerprint)
                : new HostKeyDecision(HostKeyVerdict.Unknown, fingerprint);
        }
    }
}
