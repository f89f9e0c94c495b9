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

        /// <param name="acceptUnknown">-AcceptHostKey or -Force: trust a key that is unknown (never one that changed).</param>
        public HostKeyPolicy(KnownHostsFile knownHosts, HaPgNode node, bool acceptUnknown)
        {
            this.knownHosts = knownHosts;
            this.node = node;
            this.acceptUnknown = acceptUnknown;
        }

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
                : acceptUnknown ? new HostKeyDecision(HostKeyVerdict.AcceptedNew, fingerprint)
                : new HostKeyDecision(HostKeyVerdict.Unknown, fingerprint);
        }
    }
}
