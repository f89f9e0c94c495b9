using System.Text.RegularExpressions;

namespace HaPg.Components.Common
{
    /// <summary>
    /// Names that end up in file paths, etcd member names, HAProxy server names and Patroni keys must be plain:
    /// letters, digits, '-', '_' and '.', starting with a letter or digit.
    /// </summary>
    public static class Names
    {
        private static readonly Regex Plain = new Regex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$", RegexOptions.CultureInvariant);

        public static bool IsPlain(string? name) => name is not null && Plain.IsMatch(name);

        public static void RequirePlain(string? name, string what, object? target)
        {
            if (!IsPlain(name))
            {
                throw new HaPgValidationException("HaPg.Components.InvalidName",
                    $"{what} '{name}' must be 1-63 letters, digits, '-', '_' or '.', starting with a letter or digit.",
                    target, System.Management.Automation.ErrorCategory.InvalidArgument);
            }
        }
    }
}
