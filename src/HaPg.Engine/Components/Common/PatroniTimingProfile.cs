using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace HaPg.Components.Common
{
    /// <summary>
    /// Patroni's leader-lock timing plus the matching HAProxy health-check cadence. Patroni 3.0.2 does not enforce
    /// loop_wait + 2*retry_timeout &lt;= ttl, so HaPg does (HaPg.Patroni.InvalidTiming). Here, not under Patroni, because
    /// Patroni's and HAProxy's settings both read it.
    /// </summary>
    public sealed class PatroniTimingProfile
    {
        public const int MinTtl = 20;
        public const int MinLoopWait = 1;
        public const int MinRetryTimeout = 3;

        public PatroniTimingProfile(string name, int ttl, int loopWait, int retryTimeout, int checkIntervalSeconds, int checkFall, int checkRise,
            int? checkFastIntervalMilliseconds = null, int? checkDownIntervalMilliseconds = null)
        {
            Name = name;
            Ttl = ttl;
            LoopWait = loopWait;
            RetryTimeout = retryTimeout;
            CheckIntervalSeconds = checkIntervalSeconds;
            CheckFall = checkFall;
            CheckRise = checkRise;
            CheckFastIntervalMilliseconds = checkFastIntervalMilliseconds;
            CheckDownIntervalMilliseconds = checkDownIntervalMilliseconds;
        }

        /// <summary>Patroni's defaults and its HAProxy example: ttl 30, loop_wait 10, retry_timeout 10, inter 3s fall 3 rise 2.</summary>
        public static PatroniTimingProfile Recipe { get; } = new PatroniTimingProfile("Recipe", 30, 10, 10, 3, 3, 2);

        /// <summary>
        /// Faster failover, still inside the rule: ttl 20 (Patroni's documented minimum; 3.2+ raises anything lower to
        /// it), loop_wait 5, retry_timeout 5 (5 + 2*5 = 15 &lt;= 20). A crashed leader's key expires 15-20 s after the
        /// crash instead of 20-30 s. HAProxy: inter 2s fall 3, so the check's connect timeout (min of inter and
        /// timeout connect) outlasts one lost SYN and a leader on a lossy link is not marked down by accident;
        /// fastinter 250ms, so a real failure is confirmed within about 0.5 s of the first failed check; downinter
        /// 250ms rise 1, so a new leader takes traffic within 0.25 s of its promotion. rise 1 is safe because only the
        /// leader-lock holder answers 200 on /primary.
        /// </summary>
        public static PatroniTimingProfile Default { get; } = new PatroniTimingProfile("Default", 20, 5, 5, 2, 3, 1, 250, 250);

        /// <summary>Every named profile, as -Profile offers them.</summary>
        public static IReadOnlyList<PatroniTimingProfile> All { get; } = new[] { Default, Recipe };

        /// <summary>The profile a -Profile value names (Default or Recipe, any case); HaPg.Patroni.InvalidTiming for another.</summary>
        public static PatroniTimingProfile Named(string name) =>
            All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new HaPgValidationException("HaPg.Patroni.InvalidTiming",
                $"No timing profile '{name}'; use {string.Join(" or ", All.Select(p => p.Name))}.", name, System.Management.Automation.ErrorCategory.InvalidArgument);

        public string Name { get; }
        public int Ttl { get; }
        public int LoopWait { get; }
        public int RetryTimeout { get; }
        public int CheckIntervalSeconds { get; }
        public int CheckFall { get; }
        public int CheckRise { get; }

        /// <summary>HAProxy's fastinter: the check interval while a server's state is changing; null means inter.</summary>
        public int? CheckFastIntervalMilliseconds { get; }

        /// <summary>HAProxy's downinter: the check interval of a server that is down; null means inter.</summary>
        public int? CheckDownIntervalMilliseconds { get; }

        /// <summary>The check options of HAProxy's default-server line, e.g. "inter 2s fastinter 250ms downinter 250ms fall 3 rise 1".</summary>
        public string HaproxyCheckOptions
        {
            get
            {
                string N(int value) => value.ToString(CultureInfo.InvariantCulture);
                var options = "inter " + N(CheckIntervalSeconds) + "s";
                if (CheckFastIntervalMilliseconds is int fast) options += " fastinter " + N(fast) + "ms";
                if (CheckDownIntervalMilliseconds is int down) options += " downinter " + N(down) + "ms";
                return options + " fall " + N(CheckFall) + " rise " + N(CheckRise);
            }
        }

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

            if (CheckFastIntervalMilliseconds < 100 || CheckDownIntervalMilliseconds < 100)
            {
                Error($"HAProxy check fastinter and downinter must be at least 100 ms ({HaproxyCheckOptions}).");
            }

            return issues;
        }

        public override string ToString() =>
            $"{Name}: ttl {Ttl}, loop_wait {LoopWait}, retry_timeout {RetryTimeout}; check {HaproxyCheckOptions}";
    }
}
