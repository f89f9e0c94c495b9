using HaPg.Inventory;

namespace HaPg.Components.Common
{
    /// <summary>
    /// Names that end up in file paths, etcd member names, HAProxy server names and Patroni keys must be plain:
    /// letters, digits, '-', '_' and '.', starting with a letter or digit (<see cref="NameRules"/>, which the inventory's node names follow too).
    /// </summary>
    public static class Names
    {
        public static bool IsPlain(string? name) => NameRules.IsPlain(name);

        public static void RequirePlain(string? name, string what, object? target)
        {
            if (!IsPlain(name))
            {
                throw new HaPgValidationException("HaPg.Components.InvalidName",
                    $"{what} '{ControlCharacters.Safe(name)}' must be 1-63 letters, digits, '-', '_' or '.', starting with a letter or digit.",
                    target, System.Management.Automation.ErrorCategory.InvalidArgument);
            }
        }
    }
}
