using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Inventory;

namespace HaPg.Remote
{
    /// <summary>
    /// One connection per node of an inventory, opened on first use and shared by every HaPg cmdlet of a
    /// pipeline. Ref-counted: each cmdlet calls <see cref="Acquire"/> once per inventory and
    /// <see cref="Release"/> from its Dispose (PowerShell disposes a pipeline's commands when it ends or
    /// is stopped); when the count reaches zero every connection closes. Thread-safe.
    /// </summary>
    public sealed class ConnectionPool
    {
        private static readonly ConditionalWeakTable<HaPgInventory, ConnectionPool> Pools = new ConditionalWeakTable<HaPgInventory, ConnectionPool>();
        private static readonly object PoolsGate = new object();

        private readonly Func<HaPgNode, SshConnectOptions, CancellationToken, Task<IRemoteHost>> connect;
        private readonly Func<HaPgNode, SshConnectOptions, CancellationToken, Task> freshLogin;
        private readonly Dictionary<string, Task<IRemoteHost>> hosts = new Dictionary<string, Task<IRemoteHost>>(StringComparer.OrdinalIgnoreCase);
        private readonly CancellationTokenSource closing = new CancellationTokenSource();
        private int references;

        internal ConnectionPool(HaPgInventory inventory, Func<HaPgNode, SshConnectOptions, CancellationToken, Task<IRemoteHost>> connect,
            Func<HaPgNode, SshConnectOptions, CancellationToken, Task> freshLogin)
        {
            Inventory = inventory;
            this.connect = connect;
            this.freshLogin = freshLogin;
        }

        public HaPgInventory Inventory { get; }

        /// <summary>The inventory's pool, created on first acquire; each call must be matched by one Release.</summary>
        public static ConnectionPool Acquire(HaPgInventory inventory)
        {
            lock (PoolsGate)
            {
                if (!Pools.TryGetValue(inventory, out var pool))
                {
                    pool = new ConnectionPool(inventory,
                        async (node, options, ct) => await SshNodeConnection.ConnectAsync(inventory, node, options, ct).ConfigureAwait(false),
                        async (node, options, ct) =>
                        {
                            using var session = await SshNodeConnection.ConnectAsync(inventory, node, options, ct).ConfigureAwait(false);
                        });
                    Pools.Add(inventory, pool);
                }

                pool.references++;
                return pool;
            }
        }

        /// <summary>
        /// A pool over hosts given directly, not opened over SSH: for tests of operations against recording hosts.
        /// <paramref name="freshLogin"/> stands for <see cref="ProveFreshLoginAsync"/> (by default it succeeds).
        /// </summary>
        internal static ConnectionPool Over(HaPgInventory inventory, Func<HaPgNode, IRemoteHost> host,
            Func<HaPgNode, CancellationToken, Task>? freshLogin = null) =>
            new ConnectionPool(inventory, (node, options, ct) => Task.FromResult(host(node)),
                (node, options, ct) => freshLogin?.Invoke(node, ct) ?? Task.CompletedTask) { references = 1 };

        /// <summary>Drops one reference; the last one closes every connection.</summary>
        public void Release()
        {
            lock (PoolsGate)
            {
                if (references == 0 || --references > 0)
                {
                    return;
                }

                if (Pools.TryGetValue(Inventory, out var current) && ReferenceEquals(current, this))
                {
                    Pools.Remove(Inventory);
                }
            }

            Close();
        }

        /// <summary>
        /// The node's connection: the open one, or a new one. Concurrent first calls for a node share one
        /// connect. A failed connect is not kept, and a connection whose session dropped is replaced: the next call tries again.
        /// </summary>
        public async Task<IRemoteHost> GetHostAsync(HaPgNode node, SshConnectOptions options, CancellationToken cancellationToken)
        {
            Task<IRemoteHost> pending;
            lock (hosts)
            {
                if (closing.IsCancellationRequested)
                {
                    throw new ObjectDisposedException(nameof(ConnectionPool), "The pipeline that opened these connections has ended.");
                }

                if (!hosts.TryGetValue(node.Name, out pending!) || pending.IsFaulted || pending.IsCanceled || IsDropped(pending))
                {
                    if (pending is not null && IsDropped(pending))
                    {
                        (pending.Result as IDisposable)?.Dispose();
                    }

                    pending = connect(node, options, closing.Token);
                    hosts[node.Name] = pending;
                }
            }

            // Wait with the caller's token; the connect itself belongs to the pool.
            var cancelled = new TaskCompletionSource<bool>();
            using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
            {
                if (await Task.WhenAny(pending, cancelled.Task).ConfigureAwait(false) != pending)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }

            return await pending.ConfigureAwait(false);
        }

        /// <summary>
        /// Opens a brand-new login to <paramref name="node"/>, outside the pool, and closes it: the proof that a new session
        /// still gets in (after a firewall change). Throws when it cannot.
        /// </summary>
        public Task ProveFreshLoginAsync(HaPgNode node, SshConnectOptions options, CancellationToken cancellationToken) =>
            freshLogin(node, options, cancellationToken);

        private static bool IsDropped(Task<IRemoteHost> connection) =>
            connection.Status == TaskStatus.RanToCompletion && !connection.Result.IsConnected;

        private void Close()
        {
            List<Task<IRemoteHost>> open;
            lock (hosts)
            {
                closing.Cancel();
                open = new List<Task<IRemoteHost>>(hosts.Values);
                hosts.Clear();
            }

            foreach (var task in open)
            {
                // A connect still under way disposes its client when it sees the cancellation.
                _ = task.ContinueWith(t => (t.Result as IDisposable)?.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously);
            }
        }
    }
}
