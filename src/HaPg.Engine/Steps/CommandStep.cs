using System.Collections.Generic;
using System.Threading.Tasks;
using HaPg.Remote;

namespace HaPg.Steps
{
    /// <summary>Runs a <see cref="HostChange"/>: its check first (exit 0 means already as wanted), its apply only if needed.</summary>
    public sealed class CommandStep : NodeStep
    {
        public CommandStep(HostChange change)
            : base(change.Name) => Change = change;

        public CommandStep(string name, string check, string apply)
            : this(new HostChange(name, check, apply))
        {
        }

        public HostChange Change { get; }

        public override IEnumerable<string> Describe()
        {
            yield return $"check: {Change.CheckCommand}";
            yield return $"run:   {Change.ApplyCommand}";
        }

        public override async Task<StepOutcome> ApplyAsync(StepContext context)
        {
            var state = await context.Host.ExecuteAsync(new RemoteCommand(Change.CheckCommand), context.CancellationToken).ConfigureAwait(false);
            if (state.Succeeded)
            {
                return StepOutcome.Unchanged(Name);
            }

            await context.Host.RunAsync(new RemoteCommand(Change.ApplyCommand), context.CancellationToken, Name).ConfigureAwait(false);
            return StepOutcome.ChangedBy(Name);
        }
    }
}
