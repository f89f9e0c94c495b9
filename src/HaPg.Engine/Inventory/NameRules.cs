using System.Text.RegularExpressions;

namespace HaPg.Inventory
{
    /// <summary>
    /// The one home of the plain-name rule: node names, and every name that ends up in file paths, etcd member names,
    /// HAProxy server names and Patroni keys. The inventory's validator and the components (Names) both ask here.
    /// </summary>
    public static class NameRules
    {
        private static readonly Regex Plain = new Regex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,62}\z", RegexOptions.CultureInvariant);

        /// <summary>True for 1 to 63 letters, digits, '.', '-' or '_', starting with a letter or digit; nothing else, no trailing newline.</summary>
        public static bool IsPlain(string? name) => name is not null && Plain.IsMatch(name);
    }
}
