using System.Threading;
using System.Threading.Tasks;
using HaPg.Inventory;

namespace HaPg.Remote
{
    /// <summary>One node's open connection. Components talk to nodes only through this.</summary>
    public interface IRemoteHost
    {
        HaPgNode Node { get; }

        /// <summary>Runs a command and returns its result whatever the exit code.</summary>
        Task<RemoteCommandResult> ExecuteAsync(RemoteCommand command, CancellationToken cancellationToken);
    }
}
