using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Common;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Steps;

namespace HaPg.Components.Firewall
{
    /// <summary>
    /// The firewall plan of one node: ufw rules where ufw is active (Ubuntu's way), otherwise HaPg's own nftables
    /// table, loaded at boot by hapg-firewall.service. Never locks out SSH: the SSH rule comes first, a timer that
    /// removes the table is armed before loading it, and a new SSH session must get in before the timer is disarmed.
    /// </summary>
    public static class FirewallSteps
    {
        public const string Nftables = "nftables";
        public const string Ufw = "ufw";
        private const string RollbackUnit = "hapg-firewall-rollback";

        /// <param name="openNewSession">Opens (and closes) a brand-new SSH session to the node; throws if it cannot.</param>
        public static NodePlan For(HaPgInventory inventory, HaPgNode node, Func<CancellationToken, Task> openNewSession) =>
            new NodePlan(node, new NodeStep[] { new ApplyFirewallStep(inventory, node, openNewSession) });

        /// <summary>Which backend a node used, read back after the plan ran.</summary>
        public static string BackendOf(IReadOnlyList<StepOutcome> outcomes) =>
            outcomes.Any(o => o.Message?.StartsWith(Ufw, StringComparison.Ordinal) == true) ? Ufw : Nftables;

        private sealed class ApplyFirewallStep : NodeStep
        {
            private readonly HaPgNode node;
            private readonly Func<CancellationToken, Task> openNewSession;
            private readonly IReadOnlyList<FirewallRule> rules;
            private readonly NodePlan nftPlan;
            private readonly FileStep rulesFile;

            public ApplyFirewallStep(HaPgInventory inventory, HaPgNode node, Func<CancellationToken, Task> openNewSession)
                : base("firewall")
            {
                this.node = node;
                this.openNewSession = openNewSession;
                rules = FirewallPlan.ForNode(inventory, node);
                rulesFile = new FileStep(NftRuleset.Render(inventory, node));
                var unitFile = new FileStep(NftRuleset.RenderUnit());
                nftPlan = new NodePlan(node, new NodeStep[]
                {
                    new PackageStep(Nftables),
                    rulesFile,
                    unitFile,
                    new ServiceStep(NftRuleset.UnitName, restartWhenChanged: new[] { rulesFile.Name }, unitFilesChanged: new[] { unitFile.Name }),
                    new CommandStep("table inet hapg loaded", $"nft list table inet {NftRuleset.TableName} >/dev/null 2>&1",
                        "systemctl restart " + NftRuleset.UnitName),
                });
            }

            public override IEnumerable<string> Describe()
            {
                yield return $"check: {UfwRules.ActiveCheckCommand}";
                foreach (var command in UfwRules.Commands(rules))
                {
                    yield return $"run:   {command}   (if ufw is active)";
                }

                yield return $"run:   systemd-run --unit={RollbackUnit} --on-active=120 {NftRuleset.RemoveCommand}   (otherwise: safety net)";
                foreach (var line in nftPlan.Describe())
                {
                    yield return line + "   (otherwise)";
                }

                yield return $"check: a new SSH session to {node.Address}:{node.Port} still gets in; then systemctl stop {RollbackUnit}.timer";
            }

            public override async Task<StepOutcome> ApplyAsync(StepContext context)
            {
                var ct = context.CancellationToken;
                var ufwActive = await context.Host.ExecuteAsync(new RemoteCommand(UfwRules.ActiveCheckCommand), ct).ConfigureAwait(false);
                return ufwActive.Succeeded ? await ApplyUfwAsync(context).ConfigureAwait(false) : await ApplyNftablesAsync(context).ConfigureAwait(false);
            }

            private async Task<StepOutcome> ApplyUfwAsync(StepContext context)
            {
                var added = 0;
                foreach (var command in UfwRules.Commands(rules))
                {
                    var output = await context.Host.RunAsync(new RemoteCommand(command), context.CancellationToken, Name).ConfigureAwait(false);
                    added += output.Stdout.Contains("Rule added") || output.Stdout.Contains("Rules updated") ? 1 : 0;
                }

                await VerifyNewSessionAsync(context).ConfigureAwait(false);
                return added > 0 ? StepOutcome.ChangedBy(Name, $"{Ufw}: {added} rule(s) added") : StepOutcome.Unchanged(Name, Ufw);
            }

            private async Task<StepOutcome> ApplyNftablesAsync(StepContext context)
            {
                var ct = context.CancellationToken;
                var before = await context.Host.ExecuteAsync(new RemoteCommand(NftRuleset.AvailableCheckCommand + " && nft list table inet " + NftRuleset.TableName), ct)
                    .ConfigureAwait(false);
                var wanted = await context.Host.ReadFileAsync(NftRuleset.FilePath, ct).ConfigureAwait(false);
                var needsLoad = !before.Succeeded || wanted != rulesFile.File.Content;
                if (needsLoad)
                {
                    // Safety net: if anything below strands the node, the table removes itself in two minutes.
                    await context.Host.RunAsync(new RemoteCommand(
                        $"systemctl stop {RollbackUnit}.timer {RollbackUnit}.service >/dev/null 2>&1; systemctl reset-failed {RollbackUnit} >/dev/null 2>&1; " +
                        $"command -v nft >/dev/null 2>&1 || exit 0; systemd-run --quiet --unit={RollbackUnit} --on-active=120 /usr/sbin/{NftRuleset.RemoveCommand}"),
                        ct, Name).ConfigureAwait(false);
                }

                var sub = new StepContext(context.Host, ct, context.Verbose);
                var outcomes = await nftPlan.RunAsync(sub).ConfigureAwait(false);
                await VerifyNewSessionAsync(context).ConfigureAwait(false);
                if (needsLoad)
                {
                    await context.Host.RunAsync(new RemoteCommand($"systemctl stop {RollbackUnit}.timer >/dev/null 2>&1 || true"), ct, Name).ConfigureAwait(false);
                }

                var changed = outcomes.Where(o => o.Changed).Select(o => o.Step).ToList();
                return changed.Count > 0
                    ? StepOutcome.ChangedBy(Name, $"{Nftables}: {string.Join(", ", changed)}")
                    : StepOutcome.Unchanged(Name, Nftables);
            }

            private async Task VerifyNewSessionAsync(StepContext context)
            {
                context.Verbose($"opening a new SSH session to {node.Address}:{node.Port} to prove the firewall lets SSH in");
                await openNewSession(context.CancellationToken).ConfigureAwait(false);
            }
        }
    }
}
