using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace HaPg.Execution
{
    /// <summary>Waiting for a remote state: read, check, sleep, until done or out of time.</summary>
    public static class Poll
    {
        /// <summary>
        /// Reads until <paramref name="done"/> holds or <paramref name="timeout"/> passes, sleeping <paramref name="interval"/>
        /// between reads. Returns the last reading and whether it was done; the caller decides what a timeout means.
        /// </summary>
        public static async Task<(T Last, bool Done)> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, TimeSpan interval,
            CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var last = await read().ConfigureAwait(false);
                if (done(last))
                {
                    return (last, true);
                }

                if (clock.Elapsed >= timeout)
                {
                    return (last, false);
                }

                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
