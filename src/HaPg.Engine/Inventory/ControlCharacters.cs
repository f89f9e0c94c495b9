using System.Globalization;
using System.Linq;
using System.Text;

namespace HaPg.Inventory
{
    /// <summary>
    /// Control characters (char.IsControl: \n, \r, \t, NUL, DEL, C1...) never belong in an inventory's values, and never reach a
    /// message or a file raw: <see cref="Quote"/> shows such a value escaped, "db1\n".
    /// </summary>
    public static class ControlCharacters
    {
        public static bool In(string? text) => text is not null && text.Any(char.IsControl);

        /// <summary>The text with each control character escaped (\n, \r, \t, \0, else \xNN below 0x80, \uNNNN above) and backslashes doubled.</summary>
        public static string Escape(string? text)
        {
            if (text is null || !text.Any(c => char.IsControl(c) || c == '\\'))
            {
                return text ?? string.Empty;
            }

            var sb = new StringBuilder(text.Length + 8);
            foreach (var c in text)
            {
                switch (c)
                {
                    case '\\': sb.Append(@"\\"); break;
                    case '\n': sb.Append(@"\n"); break;
                    case '\r': sb.Append(@"\r"); break;
                    case '\t': sb.Append(@"\t"); break;
                    case '\0': sb.Append(@"\0"); break;
                    default:
                        if (!char.IsControl(c)) sb.Append(c);
                        else if (c < 0x80) sb.Append(@"\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                        else sb.Append(@"\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        break;
                }
            }

            return sb.ToString();
        }

        /// <summary>The text escaped, in double quotes: "db1\n".</summary>
        public static string Quote(string? text) => "\"" + Escape(text) + "\"";

        /// <summary>The text as it is when it holds no control character, else <see cref="Escape"/>d (for messages that quote it themselves).</summary>
        public static string Safe(string? text) => In(text) ? Escape(text) : text ?? string.Empty;
    }
}
