using System;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Postgres;
using HaPg.Components.Tls;
using HaPg.Inventory;
using Npgsql;

namespace HaPg.Components.Keepalived
{
    /// <summary>A client's view of the virtual IP: one transaction through VIP:5000 that only a primary can run.</summary>
    public static class VirtualIPProbe
    {
        /// <summary>
        /// Connects to the virtual IP's primary port as the application role, over TLS verified against the cluster CA and runs txid_current() (a standby refuses to assign
        /// one) with inet_server_addr(). Returns the server address that answered, or the client's error.
        /// </summary>
        public static async Task<(string? ServerAddress, string? Error)> WriteThroughAsync(HaPgInventory inventory, CancellationToken cancellationToken)
        {
            var builder = new NpgsqlConnectionStringBuilder
            {
                Host = KeepalivedConfig.Address(inventory).ToString(),
                Port = inventory.Ports.HaproxyPrimary,
                Database = "postgres",
                Username = ApplicationRole.Name,
                Password = inventory.Secrets.ApplicationPassword?.ToPlainText(),
                SslMode = SslMode.Require,
                ApplicationName = "hapg-check",
                Pooling = false,
                Timeout = 5,
                CommandTimeout = 5,
            };
            try
            {
                using var connection = new NpgsqlConnection(builder.ConnectionString) { UserCertificateValidationCallback = PostgresClientTls.For(inventory, builder.Host!) };
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                using var command = new NpgsqlCommand("select host(inet_server_addr()), txid_current()", connection);
                using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return (reader.GetString(0), null);
            }
            catch (Exception ex) when (ex is NpgsqlException || ex is TimeoutException || ex is System.Net.Sockets.SocketException || ex is InvalidOperationException)
            {
                return (null, ex.Message);
            }
        }
    }
}
