using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Inventory;
using HaPg.Remote;

namespace HaPg.Execution
{
    /// <summary>
    /// What a node's work gets from <see cref="NodeRunner"/>. Every Write*/SetStatus call is queued to the
    /// pipeline thread, prefixed with the node name and redacted; call them from any thread.
    /// </summary>
    public sealed class NodeContext
    {
        private readonly ConnectionPool pool;
        private readonly SshConnectOptions options;
        private readonly Redactor redactor;
        private readonly Action<string> verbose, warning, status;
        private readonly Action<HaPgRemoteException> error;
        private readonly Action<Action> onPipelineThread;
        private IRemoteHost? connected;

        internal NodeContext(HaPgNode node, ConnectionPool pool, SshConnectOptions options, Redactor redactor, CancellationToken cancellationToken,
            Action<string> verbose, Action<string> warning, Action<string> status, Action<HaPgRemoteException> error, Action<Action> onPipelineThread)
        {
            this.onPipelineThread = onPipelineThread;
            Node = node;
            this.pool = pool;
            this.options = options;
            this.redactor = redactor;
            CancellationToken = cancellationToken;
            this.verbose = verbose;
            this.warning = warning;
            this.status = status;
            this.error = error;
            Host = new LoggingHost(this);
        }

        public HaPgNode Node { get; }

        public HaPgInventory Inventory => pool.Inventory;

        /// <summary>Cancelled when the user presses Ctrl+C (StopProcessing); pass it to every remote call.</summary>
        public CancellationToken CancellationToken { get; }

        /// <summary>
        /// The node's pooled connection, opened on the first command. Each command and its output lines go
        /// to the verbose stream (stdout unless RemoteCommand.LogStdout is false).
        /// </summary>
        public IRemoteHost Host { get; }

        /// <summary>Connects now (or returns the open connection); connection errors surface here.</summary>
        public async Task<IRemoteHost> ConnectAsync()
        {
            if (connected is not null && connected.IsConnected)
            {
                return connected;
            }

            SetStatus("connecting");
            var host = await pool.GetHostAsync(Node, options, CancellationToken).ConfigureAwait(false);
            if (host.ClaimHostKeyNotice() is string notice)
            {
                WriteWarning(notice);
            }

            if (host.HostKeySha256 is string hostKey)
            {
                WriteVerbose($"Connected as {Node.User} to {KnownHostsFile.HostName(Node.Address, Node.Port)}, host key {hostKey}.");
            }

            return connected = host;
        }

        /// <summary>Another node's pooled connection, for work that spans nodes (a failover test's probes and heals).</summary>
        public Task<IRemoteHost> HostForAsync(HaPgNode other) => pool.GetHostAsync(other, options, CancellationToken);

        /// <summary>
        /// Runs <paramref name="action"/> on the pipeline thread (where script blocks can run) and waits for it;
        /// its exception, if any, is rethrown here.
        /// </summary>
        public Task RunOnPipelineThreadAsync(Action action)
        {
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            onPipelineThread(() =>
            {
                try
                {
                    action();
                    done.TrySetResult(true);
                }
                catch (Exception ex)
                {
                    done.TrySetException(ex);
                }
            });
            return done.Task;
        }

        /// <summary>A verbose line, shown as "[node] message".</summary>
        public void WriteVerbose(string message) => verbose(redactor.Redact(message));

        public void WriteWarning(string message) => warning(redactor.Redact(message));

        /// <summary>A non-terminating error for this node; the work goes on (throw instead to end it).</summary>
        public void WriteError(HaPgRemoteException exception) => error(exception);

        /// <summary>The node's current sub-step, shown in the progress bar.</summary>
        public void SetStatus(string subStep) => status(redactor.Redact(subStep));

        private sealed class LoggingHost : IRemoteHost
        {
            private readonly NodeContext context;

            internal LoggingHost(NodeContext context) => this.context = context;

            public HaPgNode Node => context.Node;

            public bool IsConnected => context.connected?.IsConnected ?? false;

            public string? HostKeySha256 => context.connected?.HostKeySha256;

            // The context tells the user when it connects.
            public string? ClaimHostKeyNotice() => null;

            public async Task<RemoteCommandResult> ExecuteAsync(RemoteCommand command, CancellationToken cancellationToken)
            {
                var host = await context.ConnectAsync().ConfigureAwait(false);
                var lines = command.Text.Trim().Split('\n');
                var shown = lines[0] + (lines.Length > 1 ? $" (+{lines.Length - 1} lines)" : string.Empty);
                context.WriteVerbose((command.Sudo ? "# " : "$ ") + new Redactor(command.Secrets).Redact(shown));
                command.OutputLine ??= context.WriteVerbose;
                return await host.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
