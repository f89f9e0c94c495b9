namespace HaPg.Remote
{
    /// <summary>A remote file's state, as GetFileStateAsync reads it.</summary>
    public sealed class RemoteFileState
    {
        public static RemoteFileState Missing { get; } = new RemoteFileState(false, null, null, null, null);

        public RemoteFileState(bool exists, string? sha256, string? mode, string? owner, string? group)
        {
            Exists = exists;
            Sha256 = sha256;
            Mode = mode;
            Owner = owner;
            Group = group;
        }

        public bool Exists { get; }

        /// <summary>Lower-case hex SHA-256 of the content.</summary>
        public string? Sha256 { get; }

        /// <summary>Octal, four digits, e.g. 0640.</summary>
        public string? Mode { get; }

        public string? Owner { get; }
        public string? Group { get; }

        public override string ToString() => Exists ? $"{Mode} {Owner}:{Group} sha256:{Sha256}" : "missing";
    }
}
