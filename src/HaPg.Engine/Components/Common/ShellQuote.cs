namespace HaPg.Components.Common
{
    /// <summary>POSIX sh quoting for values placed on a command line (never passwords: those go through stdin).</summary>
    public static class ShellQuote
    {
        public static string Quote(string value) => "'" + value.Replace("'", "'\\''") + "'";
    }
}
