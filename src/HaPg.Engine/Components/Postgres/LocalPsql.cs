using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Inventory;
using HaPg.Remote;

namespace HaPg.Components.Postgres
{
    /// <summary>SQL on a database node as postgres, through the local socket (pg_hba's "local all postgres peer").</summary>
    public static class LocalPsql
    {
        /// <summary>The shell command that prints the query's result unaligned, without headers.</summary>
        public static string Command(HaPgInventory inventory, string sql) =>
            "runuser -u postgres -- psql -X -q -t -A -h " + PostgresHost.UnixSocketDirectory + " -p " +
            inventory.Ports.Postgres.ToString(CultureInfo.InvariantCulture) + " -d postgres -c " + ShellQuote.Quote(sql);

        /// <summary>The replica's WAL receiver status ("streaming" when it follows its leader); empty on a primary or when down.</summary>
        public static string WalReceiverCommand(HaPgInventory inventory) => Command(inventory, "select status from pg_stat_wal_receiver");

        public static async Task<string> WalReceiverStatusAsync(IRemoteHost host, HaPgInventory inventory, CancellationToken cancellationToken)
        {
            var state = await host.ExecuteAsync(new RemoteCommand(WalReceiverCommand(inventory)) { LogStdout = false }, cancellationToken)
                .ConfigureAwait(false);
            return state.Stdout.Trim();
        }
    }
}
