using System;
using System.Linq;
using System.Net;
using HaPg.Inventory;

namespace HaPg.Components.Postgres
{
    /// <summary>
    /// Which pg_hba line PostgreSQL would use for a network connection (first match wins), for the entries HaPg writes:
    /// literal databases and users or "all", CIDR addresses. Null when no line matches: PostgreSQL refuses it.
    /// </summary>
    public static class PgHbaMatcher
    {
        public static string? FirstMatch(string pgHbaConf, IPAddress source, string database, string user, bool ssl)
        {
            foreach (var raw in pgHbaConf.Split('\n'))
            {
                var hash = raw.IndexOf('#');
                var fields = (hash < 0 ? raw : raw.Substring(0, hash)).Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 5)
                {
                    continue;
                }

                var type = fields[0];
                var typeMatches = type == "host" || (type == "hostssl" && ssl) || (type == "hostnossl" && !ssl);
                if (typeMatches && Matches(fields[1], database, replication: database == "replication") && Matches(fields[2], user, false)
                    && AddressMatches(fields[3], source))
                {
                    return string.Join(" ", fields);
                }
            }

            return null;
        }

        /// <summary>Whether <paramref name="line"/> (from <see cref="FirstMatch"/>) rejects, or there is none.</summary>
        public static bool Refuses(string? line) => line is null || line.EndsWith(" reject", StringComparison.Ordinal);

        private static bool Matches(string field, string value, bool replication) =>
            field.Split(',').Any(f => (f == "all" && !replication) || f == value);

        private static bool AddressMatches(string field, IPAddress source) =>
            NetworkSyntax.TryParseCidr(field, out var network, out var prefix, out _) && NetworkSyntax.InNetwork(source, network, prefix);
    }
}
