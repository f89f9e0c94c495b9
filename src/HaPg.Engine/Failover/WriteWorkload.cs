using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Results;
using Npgsql;

namespace HaPg.Failover
{
    /// <summary>
    /// The failover writer: inserts unique, increasing ids at a steady rate through one endpoint (HAProxy :5000),
    /// on a fresh connection after every failure, and records every attempt with its outcome.
    /// </summary>
    /// <remarks>
    /// Table (one per database, shared by runs, keyed by run id):
    /// <c>hapg_failover_probe(run_id text, id bigint, written_at timestamptz default clock_timestamp(),
    /// timeline text default the current WAL timeline, primary key (run_id, id))</c>.
    /// </remarks>
    public sealed class WriteWorkload
    {
        public const string TableName = "hapg_failover_probe";

        private const string CreateTableSql =
            "CREATE TABLE IF NOT EXISTS " + TableName + " (" +
            "run_id text NOT NULL, " +
            "id bigint NOT NULL, " +
            "written_at timestamptz NOT NULL DEFAULT clock_timestamp(), " +
            "timeline text NOT NULL DEFAULT substring(pg_walfile_name(pg_current_wal_lsn()), 1, 8), " +
            "PRIMARY KEY (run_id, id))";

        private const string InsertSql = "INSERT INTO " + TableName + " (run_id, id) VALUES ($1, $2) RETURNING timeline";
        private const string ReadBackSql = "SELECT id FROM " + TableName + " WHERE run_id = $1 ORDER BY id";
        private const string DropTableSql = "DROP TABLE IF EXISTS " + TableName;

        // Npgsql's netstandard2.0 NpgsqlDataSource derives from its own DbDataSource polyfill, which does not exist
        // in its net8.0 build: plain NpgsqlConnection works with whichever build the host loads.
        private readonly string connectionString;
        private readonly FailoverClock clock;
        private readonly FailoverEventLog? events;
        private readonly object gate = new object();
        private readonly List<WriteAttempt> attempts = new List<WriteAttempt>();
        private double rate = 20;
        private TimeSpan operationTimeout = TimeSpan.FromSeconds(3);
        private int started;

        public WriteWorkload(PostgresTarget target, string runId, FailoverClock clock, FailoverEventLog? events = null)
        {
            Target = target ?? throw new ArgumentNullException(nameof(target));
            if (string.IsNullOrWhiteSpace(runId)) throw new ArgumentException("A run id is required.", nameof(runId));
            RunId = runId;
            this.clock = clock ?? throw new ArgumentNullException(nameof(clock));
            this.events = events;

            var builder = new NpgsqlConnectionStringBuilder
            {
                Host = target.Host,
                Port = target.Port,
                Database = target.Database,
                Username = target.User,
                Password = target.RevealPassword(),
                ApplicationName = "hapg-failover",
                // Every connect is a real one: after a failover no pooled connection may still point at the old primary.
                Pooling = false,
                // Backstop only: each operation is bounded by OperationTimeout through its cancellation token.
                Timeout = 15,
                // On timeout do not wait for the server to confirm the cancel (it may be frozen): drop the connection.
                CancellationTimeout = -1,
            };
            if (target.CertificateCheck is not null)
            {
                builder.SslMode = SslMode.Require;
            }

            connectionString = builder.ConnectionString;
        }

        public PostgresTarget Target { get; }
        public string RunId { get; }

        /// <summary>Inserts per second. Default 20.</summary>
        public double Rate
        {
            get => rate;
            set => rate = value > 0 && value <= 1000 ? value : throw new ArgumentOutOfRangeException(nameof(Rate), value, "Rate must be in (0, 1000].");
        }

        /// <summary>Bound on one connect or one insert; past it the attempt is Failed (connect) or Unknown (insert). Default 3 s.</summary>
        public TimeSpan OperationTimeout
        {
            get => operationTimeout;
            set => operationTimeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(OperationTimeout), value, "Timeout must be positive.");
        }

        /// <summary>A copy of the attempts so far, in id order.</summary>
        public IReadOnlyList<WriteAttempt> Attempts
        {
            get
            {
                lock (gate)
                {
                    return attempts.ToArray();
                }
            }
        }

        public async Task CreateTableAsync(CancellationToken cancellationToken)
        {
            using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = new NpgsqlCommand(CreateTableSql, connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Starts inserting on the thread pool until <paramref name="stop"/> is cancelled; the task ends after the
        /// attempt in flight has its outcome (a stop never turns a write into Unknown). Runs once per workload.
        /// </summary>
        public Task RunAsync(CancellationToken stop)
        {
            if (Interlocked.Exchange(ref started, 1) != 0) throw new InvalidOperationException("The workload has already run.");
            return Task.Run(() => InsertLoopAsync(stop), CancellationToken.None);
        }

        /// <summary>The ids of this run that the database holds now, ascending.</summary>
        public async Task<IReadOnlyList<long>> ReadBackAsync(CancellationToken cancellationToken)
        {
            using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = new NpgsqlCommand(ReadBackSql, connection) { Parameters = { new NpgsqlParameter { Value = RunId } } };
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var ids = new List<long>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetInt64(0));
            }

            return ids;
        }

        public async Task DropTableAsync(CancellationToken cancellationToken)
        {
            using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = new NpgsqlCommand(DropTableSql, connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        private async Task InsertLoopAsync(CancellationToken stop)
        {
            var interval = TimeSpan.FromTicks((long)(TimeSpan.TicksPerSecond / rate));
            var due = clock.Elapsed;
            NpgsqlConnection? connection = null;
            WriteAttempt? previous = null;
            var failuresInRow = 0;
            try
            {
                for (long id = 1; ; id++)
                {
                    var wait = due - clock.Elapsed;
                    if (wait > TimeSpan.Zero)
                    {
                        try
                        {
                            await Task.Delay(wait, stop).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                            return;
                        }
                    }

                    if (stop.IsCancellationRequested) return;

                    // Steady pace; after a slow attempt carry on from now instead of bursting to catch up.
                    var now = clock.Elapsed;
                    due = due + interval > now ? due + interval : now;

                    WriteAttempt attempt;
                    (attempt, connection) = await InsertAsync(id, connection).ConfigureAwait(false);
                    lock (gate)
                    {
                        attempts.Add(attempt);
                    }

                    RecordTransition(previous, attempt, failuresInRow);
                    failuresInRow = attempt.Outcome == WriteOutcome.Acknowledged ? 0 : failuresInRow + 1;
                    previous = attempt;
                }
            }
            finally
            {
                connection?.Dispose();
            }
        }

        private async Task<(WriteAttempt Attempt, NpgsqlConnection? Connection)> InsertAsync(long id, NpgsqlConnection? connection)
        {
            var start = clock.Now;
            using var timeout = new CancellationTokenSource(operationTimeout);
            if (connection is null)
            {
                try
                {
                    connection = await OpenAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // Nothing was sent: whatever went wrong, this id cannot be in the table.
                    return (new WriteAttempt(id, start, clock.Now, WriteOutcome.Failed, Describe(e)), null);
                }
            }

            try
            {
                using var command = new NpgsqlCommand(InsertSql, connection)
                {
                    Parameters = { new NpgsqlParameter { Value = RunId }, new NpgsqlParameter { Value = id } },
                };
                var timeline = (string?)await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
                return (new WriteAttempt(id, start, clock.Now, WriteOutcome.Acknowledged, timeline: ParseTimeline(timeline)), connection);
            }
            catch (Exception e)
            {
                // ERROR means the statement's transaction rolled back (read-only standby, constraint...);
                // FATAL, a timeout or a dropped connection after sending may come after the commit.
                var outcome = e is PostgresException { InvariantSeverity: "ERROR" } ? WriteOutcome.Failed : WriteOutcome.Unknown;
                var attempt = new WriteAttempt(id, start, clock.Now, outcome, Describe(e));
                connection.Dispose();
                return (attempt, null);
            }
        }

        /// <summary>
        /// Opens a connection within the operation's bound. Npgsql does not give up a connect on the token while it waits for
        /// the server's first answer (HAProxy with no server UP accepts and says nothing), only at its own Timeout: the
        /// attempt ends on the token regardless, and the late connection is closed when it settles.
        /// </summary>
        private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
        {
            var connection = new NpgsqlConnection(connectionString) { UserCertificateValidationCallback = Target.CertificateCheck };
            var open = connection.OpenAsync(cancellationToken);
            var bound = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => bound.TrySetResult(true)))
            {
                if (await Task.WhenAny(open, bound.Task).ConfigureAwait(false) != open)
                {
                    _ = open.ContinueWith(t => { _ = t.Exception; connection.Dispose(); }, TaskScheduler.Default);
                    throw new TimeoutException($"no answer from {Target.Endpoint} within {operationTimeout.TotalSeconds:0.#} s");
                }
            }

            try
            {
                await open.ConfigureAwait(false);
                return connection;
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        private void RecordTransition(WriteAttempt? previous, WriteAttempt attempt, int failuresBefore)
        {
            if (events is null) return;
            var acknowledged = attempt.Outcome == WriteOutcome.Acknowledged;
            var previousAcknowledged = previous?.Outcome == WriteOutcome.Acknowledged;
            if (!acknowledged && (previous is null || previousAcknowledged))
            {
                events.Add(FailoverEventKind.WritesFailing, Target.Endpoint, $"Write #{attempt.Id} {attempt.Outcome}: {attempt.Error}");
            }
            else if (acknowledged && previous is not null && !previousAcknowledged)
            {
                events.Add(FailoverEventKind.WritesRecovered, Target.Endpoint,
                    $"Write #{attempt.Id} acknowledged on timeline {attempt.Timeline} after {failuresBefore} unsuccessful attempts");
            }
        }

        private static int? ParseTimeline(string? walFilePrefix) =>
            int.TryParse(walFilePrefix, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var timeline) ? timeline : (int?)null;

        private static string Describe(Exception e) =>
            e.InnerException is null || e.InnerException.Message == e.Message
                ? $"{e.GetType().Name}: {e.Message}"
                : $"{e.GetType().Name}: {e.Message} ({e.InnerException.Message})";
    }
}
