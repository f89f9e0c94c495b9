using System.Collections.Generic;
using System.Linq;

namespace HaPg.Remote
{
    /// <summary>POSIX sh quoting: every value becomes one literal word.</summary>
    public static class ShellQuote
    {
        /// <summary>Wraps a value in single quotes; an embedded ' becomes '\''.</summary>
        public static string Quote(string value) => "'" + value.Replace("'", "'\\''") + "'";

        /// <summary>Quotes each argument and joins them with spaces.</summary>
        public static string Join(IEnumerable<string> arguments) => string.Join(" ", arguments.Select(Quote));

        /// <summary>Quotes each argument and joins them with spaces.</summary>
        public static string Join(params string[] arguments) => Join((IEnumerable<string>)arguments);
    }
}
