using HaPg.Inventory;

namespace HaPg.Components.Common
{
    /// <summary>
    /// Values written into a rendered file's header comment ("# Managed by HaPg for node ..."). The inventory refuses control
    /// characters, but it is mutable after validation: a newline here would end the comment and start a directive.
    /// </summary>
    public static class HeaderText
    {
        /// <summary>The value as is when it holds no control character, else with each one escaped ("pg1\n"); null is empty.</summary>
        public static string Of(string? value) => ControlCharacters.Safe(value);
    }
}
