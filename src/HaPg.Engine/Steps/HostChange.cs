namespace HaPg.Steps
{
    /// <summary>
    /// One idempotent change on a node: run <see cref="CheckCommand"/> first; exit 0 means the node is already as
    /// wanted, anything else means run <see cref="ApplyCommand"/>. Both are POSIX sh, meant to run as root.
    /// </summary>
    public sealed class HostChange
    {
        public HostChange(string name, string checkCommand, string applyCommand)
        {
            Name = name;
            CheckCommand = checkCommand;
            ApplyCommand = applyCommand;
        }

        public string Name { get; }
        public string CheckCommand { get; }
        public string ApplyCommand { get; }

        public override string ToString() => Name;
    }
}
