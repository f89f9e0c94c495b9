using System.Collections.Generic;
using System.Threading.Tasks;
using HaPg.Remote;
using HaPg.Steps;

namespace HaPg.Components.Firewall
{
    /// <summary>
    /// Compares the loaded table (nft list table) with the wanted file's, by the marker comment the file carries; reloads the file
    /// through hapg-firewall.service when they differ. The file on disk can be right while the kernel holds another table, or none.
    /// </summary>
    public sealed class LoadedTableStep : NodeStep
    {
        private readonly string wantedText;

        public LoadedTableStep(string wantedText)
            : base("table inet " + NftRuleset.TableName + " loaded") => this.wantedText = wantedText;

        public static string ReloadCommand => "systemctl reload " + ShellQuote.Quote(NftRuleset.UnitName);

        public override IEnumerable<string> Describe()
        {
            yield return $"check: {NftRuleset.ListCommand}   (carries comment \"{NftRuleset.MarkerOf(wantedText)}\" and every rule)";
            yield return $"run:   {ReloadCommand}   (only if it does not)";
        }

        public override async Task<StepOutcome> ApplyAsync(StepContext context)
        {
            var listed = await context.Host.ExecuteAsync(new RemoteCommand(NftRuleset.ListCommand), context.CancellationToken).ConfigureAwait(false);
            if (NftRuleset.IsLoaded(listed.Succeeded ? listed.Stdout : null, wantedText))
            {
                return StepOutcome.Unchanged(Name);
            }

            await context.Host.RunAsync(new RemoteCommand(ReloadCommand), context.CancellationToken, Name).ConfigureAwait(false);
            return StepOutcome.ChangedBy(Name, "reloaded " + NftRuleset.FilePath);
        }
    }
}
