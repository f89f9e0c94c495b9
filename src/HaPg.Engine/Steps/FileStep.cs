using System.Collections.Generic;
using System.Threading.Tasks;
using HaPg.Remote;

namespace HaPg.Steps
{
    /// <summary>
    /// Keeps a file's content, mode and owner as wanted. Writes a temp file, validates it, then moves it into place;
    /// nothing is written when the node already has it.
    /// </summary>
    public sealed class FileStep : NodeStep, IWritesFiles
    {
        public FileStep(DesiredFile file)
            : base("write " + file.Path) => File = file;

        public DesiredFile File { get; }

        public IReadOnlyList<string> WrittenPaths => new[] { File.Path };

        public override IEnumerable<string> Describe()
        {
            var content = File.ContainsSecrets ? "content holds secrets, not shown" : $"{File.Content.Length} bytes";
            yield return $"file:  {File.Path} (mode {File.Mode}, {File.Owner}:{File.Group}, {content})";
            if (File.ValidateCommand is not null)
            {
                yield return $"check: {File.ValidateCommandFor(File.Path + ".hapg-new")}";
            }
        }

        public override async Task<StepOutcome> ApplyAsync(StepContext context)
        {
            var changed = await context.Host.EnsureFileAsync(File.Path, File.Content, File.Mode, File.Owner, File.Group,
                File.ValidateCommand, context.CancellationToken).ConfigureAwait(false);
            return changed ? StepOutcome.ChangedBy(Name) : StepOutcome.Unchanged(Name);
        }
    }
}
