using System;

namespace HaPg.Results
{
    public enum WriteOutcome
    {
        /// <summary>The server confirmed the commit.</summary>
        Acknowledged,

        /// <summary>Definitely not committed: nothing was sent (connect failed) or the server answered ERROR (rolled back).</summary>
        Failed,

        /// <summary>Sent, then timed out, lost the connection or got FATAL: may or may not have committed.</summary>
        Unknown,
    }

    /// <summary>One insert the failover writer attempted.</summary>
    public sealed class WriteAttempt
    {
        public WriteAttempt(long id, DateTimeOffset start, DateTimeOffset end, WriteOutcome outcome, string? error = null, int? timeline = null)
        {
            Id = id;
            Start = start;
            End = end;
            Outcome = outcome;
            Error = error;
            Timeline = timeline;
        }

        public long Id { get; }
        public DateTimeOffset Start { get; }

        /// <summary>When the outcome was known; for acknowledged writes, when the commit was confirmed.</summary>
        public DateTimeOffset End { get; }

        public WriteOutcome Outcome { get; }

        /// <summary>Client or server error text; never contains the password.</summary>
        public string? Error { get; }

        /// <summary>PostgreSQL timeline the row was written on (acknowledged writes only).</summary>
        public int? Timeline { get; }

        public TimeSpan Duration => End - Start;

        public override string ToString() => $"#{Id} {Outcome}" + (Error is null ? string.Empty : $": {Error}");
    }
}
