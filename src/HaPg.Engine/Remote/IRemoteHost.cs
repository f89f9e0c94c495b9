using System.Threading;
using System.Threading.Tasks;
using HaPg.Inventory;

namespace HaPg.Remote
{
    /// <summary>One node's open connection. Components talk to nodes only through this.</summary>
    public interface IRemoteHost
    {
        HaPgNode Node { get; }

        /// <summary>False once the session dropped (node powered off, cut off the network...); the pool then opens a new one.</summary>
        bool IsConnected { get; }

        /// <summary>SHA256:... of the host key the node presented; null for a host not reached over SSH.</summary>
        string? HostKeySha256 { get; }

        /// <summary>
        /// Once per connection, for the first caller: the notice that the node's host key was new, is now trusted and was
        /// recorded in known_hosts, to tell the user. Null after that, and when no key was recorded.
        /// </summary>
        string? ClaimHostKeyNotice();

        /// <summary>Runs a command and returns its result whatever the exit code.</summary>
        Task<RemoteCommandResult> ExecuteAsync(RemoteCommand command, CancellationToken cancellationToken);
    }
}
