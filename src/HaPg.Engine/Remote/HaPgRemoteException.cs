using System;
using System.Management.Automation;
using HaPg.Inventory;

namespace HaPg.Remote
{
    /// <summary>A failure on one node, with the stable error id and category its ErrorRecord carries; the node is its target.</summary>
    public sealed class HaPgRemoteException : HaPgException
    {
        public HaPgRemoteException(string errorId, ErrorCategory category, HaPgNode node, string message, Exception? innerException = null)
            : base(errorId, category, node, message, innerException)
        {
            Node = node;
        }

        /// <summary>The failing node; the ErrorRecord's target.</summary>
        public HaPgNode Node { get; }

        public override string NodeName => Node.Name;

        protected override HaPgException WithMessage(string message, Exception? innerException) =>
            new HaPgRemoteException(ErrorId, Category, Node, message, innerException);
    }

    /// <summary>The error ids of the transport, the remote helpers and Test-HaPgConnection.</summary>
    public static class RemoteErrorId
    {
        /// <summary>Connection refused, no route, name not resolved, or the connection dropped.</summary>
        public const string Unreachable = "HaPg.Ssh.Unreachable";

        /// <summary>Connecting or a command took longer than its timeout.</summary>
        public const string Timeout = "HaPg.Ssh.Timeout";

        public const string AuthenticationFailed = "HaPg.Ssh.AuthenticationFailed";
        public const string HostKeyUnknown = "HaPg.Ssh.HostKeyUnknown";
        public const string HostKeyMismatch = "HaPg.Ssh.HostKeyMismatch";
        public const string HostKeyRevoked = "HaPg.Ssh.HostKeyRevoked";
        public const string SudoRefused = "HaPg.Ssh.SudoRefused";

        /// <summary>-AcceptHostKey on an unknown key, but a password would be sent to the host and its fingerprint was neither pinned nor confirmed.</summary>
        public const string UnverifiedKeyWithPassword = "HaPg.Connection.UnverifiedKeyWithPassword";

        /// <summary>A remote command exited non-zero (or died from a signal).</summary>
        public const string CommandFailed = "HaPg.Remote.CommandFailed";

        /// <summary>Any other exception escaping a node's work.</summary>
        public const string NodeFailed = "HaPg.Remote.NodeFailed";

        public const string UnsupportedOs = "HaPg.Connection.UnsupportedOs";
        public const string NoSystemd = "HaPg.Connection.NoSystemd";
        public const string AptFailed = "HaPg.Connection.AptFailed";
    }
}
