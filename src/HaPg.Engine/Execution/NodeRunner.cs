using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Inventory;
using HaPg.Remote;

namespace HaPg.Execution
{
    /// <summary>
    /// Runs a cmdlet's work on many nodes in parallel while the pipeline thread does all the writing.
    /// A cmdlet owns one runner: create it lazily, call <see cref="Stop"/> from StopProcessing and
    /// <see cref="Dispose"/> from its own IDisposable.Dispose (which releases the pooled connections).
    /// <code>
    /// runner ??= new NodeRunner(this) { ConnectOptions = { AcceptUnknownHostKey = AcceptHostKey } };
    /// runner.Run(Inventory, NodeRunner.SelectNodes(this, Inventory, Node), ThrottleLimit, "Installing etcd",
    ///     async ctx =&gt; { await ctx.Host.RunAsync("apt-get install -y etcd-server", ctx.CancellationToken); return result; });
    /// </code>
    /// </summary>
    public sealed class NodeRunner : IDisposable
    {
        private static int nextActivityId;

        private readonly IOperationSink sink;
        private readonly Func<HaPgInventory, ConnectionPool> acquirePool;
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();
        private readonly Dictionary<HaPgInventory, ConnectionPool> pools = new Dictionary<HaPgInventory, ConnectionPool>();
        private readonly int activityId = Interlocked.Increment(ref nextActivityId);

        public NodeRunner(PSCmdlet cmdlet)
            : this(new CmdletSink(cmdlet))
        {
        }

        /// <param name="sink">Where output goes.</param>
        /// <param name="acquirePool">The connections per inventory; by default the SSH pool shared by a pipeline.</param>
        public NodeRunner(IOperationSink sink, Func<HaPgInventory, ConnectionPool>? acquirePool = null)
        {
            this.sink = sink;
            this.acquirePool = acquirePool ?? ConnectionPool.Acquire;
        }

        public IOperationSink Sink => sink;

        /// <summary>Used when this runner opens a node's connection (a pipeline shares open ones).</summary>
        public SshConnectOptions ConnectOptions { get; set; } = new SshConnectOptions();

        /// <summary>Cancelled by <see cref="Stop"/>.</summary>
        public CancellationToken CancellationToken => stopping.Token;

        /// <summary>
        /// The inventory's nodes named in <paramref name="names"/> (all when null or empty), in inventory
        /// order. An unknown name is a terminating HaPg.Inventory.UnknownNode error, before any host is touched.
        /// </summary>
        public static IReadOnlyList<HaPgNode> SelectNodes(PSCmdlet cmdlet, HaPgInventory inventory, IEnumerable<string>? names)
        {
            var wanted = names?.ToList() ?? new List<string>();
            if (wanted.Count == 0)
            {
                return inventory.Nodes.ToList();
            }

            foreach (var name in wanted.Where(n => inventory.FindNode(n) is null))
            {
                var known = string.Join(", ", inventory.Nodes.Select(n => n.Name));
                cmdlet.ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"The inventory has no node '{name}'. Its nodes: {known}."),
                    InventoryErrorIds.UnknownNode, ErrorCategory.ObjectNotFound, name));
            }

            return inventory.Nodes.Where(n => wanted.Contains(n.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        }

        /// <summary>
        /// Runs <paramref name="work"/> for each node, at most <paramref name="throttleLimit"/> at a time, and
        /// blocks the pipeline thread until all finish, writing as they go: each non-null result with
        /// WriteObject as its node finishes; verbose lines as "[node] ..."; a progress bar titled
        /// <paramref name="activity"/>. A node's exception becomes a non-terminating error targeting the
        /// node (HaPgRemoteException keeps its id and category) and the other nodes go on.
        /// Returns the results of the nodes that succeeded; with <paramref name="writeResults"/> false they are only returned.
        /// </summary>
        public IReadOnlyList<TResult> Run<TResult>(HaPgInventory inventory, IReadOnlyCollection<HaPgNode> nodes, int throttleLimit, string activity,
            Func<NodeContext, Task<TResult>> work, bool writeResults = true)
        {
            var pool = PoolFor(inventory);
            var redactor = Redactor.For(inventory);
            var queue = new BlockingCollection<Action>();
            var results = new ConcurrentQueue<TResult>();
            var throttle = new SemaphoreSlim(Math.Max(1, throttleLimit));
            var done = 0;
            var token = stopping.Token;

            void Progress(string node, string status) => queue.Add(() => sink.WriteProgress(new ProgressRecord(activityId, activity, $"[{node}] {status}")
            {
                PercentComplete = nodes.Count == 0 ? 100 : Volatile.Read(ref done) * 100 / nodes.Count,
            }));

            // The error, its message and every inner exception's, with the session's secrets masked.
            void Fail(HaPgRemoteException ex) => queue.Add(() =>
            {
                PipelineRecord.Of(pool).RecordFailure(ex.NodeName, activity);
                var clean = ex.Redacted(redactor.Redact);
                var record = clean.ToErrorRecord();
                record.ErrorDetails = new ErrorDetails(clean.Message);
                sink.WriteError(record);
            });

            async Task RunNode(HaPgNode node)
            {
                await throttle.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    var context = new NodeContext(node, pool, ConnectOptions, redactor, token,
                        line => queue.Add(() => sink.WriteVerbose($"[{node.Name}] {line}")),
                        line => queue.Add(() => sink.WriteWarning($"[{node.Name}] {line}")),
                        status => Progress(node.Name, status),
                        Fail,
                        action => queue.Add(action));
                    var result = await work(context).ConfigureAwait(false);
                    if (result is not null)
                    {
                        results.Enqueue(result);
                        if (writeResults)
                        {
                            queue.Add(() => sink.WriteObject(result!));
                        }
                    }
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                }
                catch (HaPgRemoteException ex)
                {
                    Fail(ex);
                }
                catch (HaPgException ex)
                {
                    // A check or a plan that failed on this node keeps its own id, and names the node.
                    Fail(new HaPgRemoteException(ex.ErrorId, ex.Category, node,
                        ex.Message.StartsWith(node.Name, StringComparison.Ordinal) ? ex.Message : $"{node.Name}: {ex.Message}", ex));
                }
                catch (Exception ex)
                {
                    Fail(new HaPgRemoteException(RemoteErrorId.NodeFailed, ErrorCategory.NotSpecified, node, $"{node.Name}: {ex.Message}", ex));
                }
                finally
                {
                    throttle.Release();
                    Interlocked.Increment(ref done);
                    Progress(node.Name, "done");
                }
            }

            var all = Task.WhenAll(nodes.Select(node => Task.Run(() => RunNode(node))).ToArray());
            _ = all.ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
            try
            {
                foreach (var write in queue.GetConsumingEnumerable())
                {
                    write();
                }
            }
            finally
            {
                if (!all.IsCompleted)
                {
                    stopping.Cancel(); // a write threw (the pipeline is stopping): stop the nodes too.
                }
            }

            sink.WriteProgress(new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
            if (token.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }

            return results.ToList();
        }

        /// <summary>Holds the inventory's pipeline-wide connection pool from now until this runner is disposed.</summary>
        public void Join(HaPgInventory inventory) => PoolFor(inventory);

        /// <summary>What this pipeline's cmdlets left undone on <paramref name="inventory"/>'s nodes so far.</summary>
        public PipelineRecord RecordOf(HaPgInventory inventory) => PipelineRecord.Of(PoolFor(inventory));

        /// <summary>
        /// When an earlier cmdlet of this pipeline failed on a node of <paramref name="inventory"/>, or did not run there
        /// (-WhatIf, or declined), writes a HaPg.Pipeline.UpstreamFailed error naming the nodes and steps and returns true:
        /// later steps must not build on a half-done or skipped one (Patroni on a failed etcd, HAProxy on a failed Patroni).
        /// </summary>
        public bool StopIfUpstreamFailed(HaPgInventory inventory)
        {
            if (RecordOf(inventory).StopReason() is not string message)
            {
                return false;
            }

            sink.WriteError(new ErrorRecord(new InvalidOperationException(message), "HaPg.Pipeline.UpstreamFailed",
                ErrorCategory.OperationStopped, inventory));
            return true;
        }

        /// <summary>Notes that <paramref name="activity"/> did not run on the node (-WhatIf, or declined), for later cmdlets.</summary>
        public void RecordNotDone(HaPgInventory inventory, string node, string activity) => RecordOf(inventory).RecordNotDone(node, activity);

        /// <summary>
        /// The proof that a brand-new login to <paramref name="node"/> still gets in: opens one outside the pool and closes it,
        /// throwing when it cannot (see <see cref="ConnectionPool.ProveFreshLoginAsync"/>). Call on the pipeline thread; the
        /// returned proof runs on any.
        /// </summary>
        public Func<CancellationToken, Task> FreshLogin(HaPgInventory inventory, HaPgNode node)
        {
            var pool = PoolFor(inventory);
            var options = ConnectOptions;
            return cancellationToken => pool.ProveFreshLoginAsync(node, options, cancellationToken);
        }

        /// <summary>Cancels every node's work and in-flight remote command. Call from StopProcessing.</summary>
        public void Stop() => stopping.Cancel();

        /// <summary>Releases this runner's hold on the pooled connections.</summary>
        public void Dispose()
        {
            foreach (var pool in pools.Values)
            {
                pool.Release();
            }

            pools.Clear();
            stopping.Dispose();
        }

        private ConnectionPool PoolFor(HaPgInventory inventory)
        {
            if (!pools.TryGetValue(inventory, out var pool))
            {
                pool = acquirePool(inventory);
                pools.Add(inventory, pool);
            }

            return pool;
        }
    }
}
