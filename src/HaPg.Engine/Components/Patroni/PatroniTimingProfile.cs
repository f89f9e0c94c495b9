using System.Collections.Generic;
using HaPg.Components.Common;

namespace HaPg.Components.Patroni
{
    /// <summary>
    /// Patroni's leader-lock timing plus the matching HAProxy health-check cadence. Patroni 3.0.2 does not enforce
    /// loop_wait + 2*retry_timeout &lt;= ttl, so HaPg does (HaPg.Patroni.InvalidTiming).
    /// </summary>
    public sealed class PatroniTimingProfile
    {
        public const int MinTtl = 20;
        public const int MinLoopWait = 1;
        public const int MinRetryTimeout = 3;

        public PatroniTimingProfile(string name, int ttl, int loopWait, int retryTimeout, int checkIntervalSeconds, int checkFall, int checkRise)
        {
            Name = name;
            Ttl = ttl;
            LoopWait = loopWait;
            RetryTimeout = retryTimeout;
            CheckIntervalSeconds = checkIntervalSeconds;
            CheckFall = checkFall;
            CheckRise = checkRise;
        }

        /// <summary>Patroni's defaults and its HAProxy example: ttl 30, loop_wait 10, retry_timeout 10, inter 3s fall 3 rise 2.</summary>
        public static PatroniTimingProfile Recipe { get; } = new PatroniTimingProfile("Recipe", 30, 10, 10, 3, 3, 2);

        /// <summary>
        /// Faster failover, still inside the rule: ttl 20 (Patroni's minimum), loop_wait 5, retry_timeout 5
        /// (5 + 2*5 = 15 &lt;= 20); HAProxy inter 1s fall 2 rise 1. A crashed leader's key expires within 15-20 s
        /// instead of 20-30 s, and HAProxy follows within about 2 s instead of 9 s. rise 1 is safe because only the
        /// leader-lock holder answers 200 on /primary.
        /// </summary>
        public static PatroniTimingProfile Default { get; } = new PatroniTimingProfile("Default", 20, 5, 5, 1, 2, 1);

        public string Name { get; }
        public int Ttl { get; }
        public int LoopWait { get; }
        public int RetryTimeout { get; }
        public int CheckIntervalSeconds { get; }
        public int CheckFall { get; }
        public int CheckRise { get; }

        public IReadOnlyList<ValidationIssue> Validate()
        {
            var issues = new List<ValidationIssue>();
            void Error(string message) => issues.Add(new ValidationIssue("HaPg.Patroni.InvalidTiming", IssueSeverity.Error,
                $"Timing profile '{Name}': {message}", Name, System.Management.Automation.ErrorCategory.InvalidArgument));

            if (Ttl < MinTtl || LoopWait < MinLoopWait || RetryTimeout < MinRetryTimeout)
            {
                Error($"ttl {Ttl}, loop_wait {LoopWait}, retry_timeout {RetryTimeout} are below the minimums " +
                      $"(ttl {MinTtl}, loop_wait {MinLoopWait}, retry_timeout {MinRetryTimeout}).");
            }

            if (LoopWait + (2 * RetryTimeout) > Ttl)
            {
                Error($"loop_wait + 2*retry_timeout must not exceed ttl, but {LoopWait} + 2*{RetryTimeout} = " +
                      $"{LoopWait + (2 * RetryTimeout)} > {Ttl}.");
            }

            if (CheckIntervalSeconds < 1 || CheckFall < 1 || CheckRise < 1)
            {
                Error($"HAProxy check inter {CheckIntervalSeconds}s fall {CheckFall} rise {CheckRise} must all be at least 1.");
            }

            return issues;
        }

        public override string ToString() =>
            $"{Name}: ttl {Ttl}, loop_wait {LoopWait}, retry_timeout {RetryTimeout}; check inter {CheckIntervalSeconds}s fall {CheckFall} rise {CheckRise}";
    }
}
