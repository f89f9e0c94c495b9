using System.Collections.Generic;

namespace HaPg.Steps
{
    /// <summary>A step that writes files on the node: a <see cref="ServiceStep"/> watching it compares their mtimes with its stamp.</summary>
    public interface IWritesFiles
    {
        /// <summary>Name of the step (what ServiceStep's on-this-run check looks for).</summary>
        string Name { get; }

        IReadOnlyList<string> WrittenPaths { get; }
    }
}
