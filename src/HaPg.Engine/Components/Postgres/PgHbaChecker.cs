using System;
using System.Collections.Generic;
using System.Linq;

namespace HaPg.Components.Postgres
{
    public enum PgHbaFindingKind
    {
        /// <summary>A network entry that matches every address (0.0.0.0/0, ::/0, "all", a 0.0.0.0 mask).</summary>
        OpenToWorld,

        /// <summary>A network entry that needs no password at all.</summary>
        Trust,

        /// <summary>A network entry with md5 or clear-text password authentication.</summary>
        WeakMethod,
    }

    public sealed class PgHbaFinding
    {
        public PgHbaFinding(PgHbaFindingKind kind, int lineNumber, string line)
        {
            Kind = kind;
            LineNumber = lineNumber;
            Line = line;
        }

        public PgHbaFindingKind Kind { get; }

        /// <summary>1-based position among the given lines.</summary>
        public int LineNumber { get; }
        public string Line { get; }

        public override string ToString() => $"{Kind} (line {LineNumber}): {Line}";
    }

    /// <summary>Finds pg_hba entries that expose PostgreSQL more than HaPg ever would (for Test-HaPgCluster).</summary>
    public static class PgHbaChecker
    {
        public static IReadOnlyList<PgHbaFinding> Check(IEnumerable<string> lines)
        {
            var findings = new List<PgHbaFinding>();
            var number = 0;
            foreach (var raw in lines)
            {
                number++;
                var hash = raw.IndexOf('#');
                var fields = (hash < 0 ? raw : raw.Substring(0, hash))
                    .Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 5 || !fields[0].StartsWith("host", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var address = fields[3];
                var hasMask = fields.Length > 5 && fields[4].Contains(".") && !fields[4].Contains("=");
                var method = hasMask ? fields[5] : fields[4];
                var line = raw.Trim();
                if (string.Equals(method, "reject", StringComparison.OrdinalIgnoreCase))
                {
                    continue; // a reject opens nothing, whatever it matches
                }

                if (address == "all" || address == "0.0.0.0/0" || address == "::/0" ||
                    address.EndsWith("/0", StringComparison.Ordinal) || (hasMask && fields[4] == "0.0.0.0"))
                {
                    findings.Add(new PgHbaFinding(PgHbaFindingKind.OpenToWorld, number, line));
                }

                if (string.Equals(method, "trust", StringComparison.OrdinalIgnoreCase))
                {
                    findings.Add(new PgHbaFinding(PgHbaFindingKind.Trust, number, line));
                }
                else if (string.Equals(method, "md5", StringComparison.OrdinalIgnoreCase) ||
                         string.Equals(method, "password", StringComparison.OrdinalIgnoreCase))
                {
                    findings.Add(new PgHbaFinding(PgHbaFindingKind.WeakMethod, number, line));
                }
            }

            return findings;
        }

        /// <summary>Splits a pg_hba.conf text into lines for <see cref="Check(IEnumerable{string})"/>.</summary>
        public static IReadOnlyList<PgHbaFinding> CheckText(string pgHbaConf) => Check(pgHbaConf.Split('\n'));
    }
}
