using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Steps;

namespace HaPg.Components.Firewall
{
    /// <summary>
    /// The firewall plan of one node: ufw rules where ufw is active (Ubuntu's way), otherwise HaPg's own nftables table,
    /// loaded at boot by hapg-firewall.service. Never locks out SSH. With nftables: the package is installed first (its own
    /// step), then a timer that removes the table is armed, the rules are written and loaded, a brand-new SSH login must get
    /// in, the timer is disarmed, and only then is the loaded table checked to be the wanted one (a timer that fired in
    /// between removed it: <see cref="FirewallErrorId.SafetyTimerFired"/>). With ufw: SSH is left as the administrator has it,
    /// and a default deny, when asked for, is set last under the same kind of timer.
    /// </summary>
    public static class FirewallSteps
    {
        public const string Nftables = "nftables";
        public const string Ufw = "ufw";
        public const string RollbackUnit = "hapg-firewall-rollback";

        /// <summary>
        /// How long the safety timer waits. It is armed after the install and covers only the write and load (a handful of
        /// commands) and the login proof (bounded by the 10 s connect timeout): 120 s leaves a wide margin on a slow node.
        /// </summary>
        public const int SafetySeconds = 120;

        /// <summary>Stops the timer; after the login proof, and before the loaded state is checked.</summary>
        public const string DisarmCommand = "systemctl stop " + RollbackUnit + ".timer >/dev/null 2>&1 || true";

        /// <param name="openNewSession">Opens (and closes) a brand-new SSH session to the node; throws if it cannot.</param>
        /// <param name="setDefaultDeny">Where ufw admits incoming traffic by default, set it to deny (after the rules); else refuse.</param>
        public static NodePlan For(HaPgInventory inventory, HaPgNode node, Func<CancellationToken, Task> openNewSession, bool setDefaultDeny = false) =>
            new NodePlan(node, new NodeStep[]
            {
                new UnlessUfwActive(new PackageStep(Nftables)),
                new ApplyFirewallStep(inventory, node, openNewSession, setDefaultDeny),
            });

        /// <summary>Which backend a node used, read back after the plan ran.</summary>
        public static string BackendOf(IReadOnlyList<StepOutcome> outcomes) =>
            outcomes.Any(o => o.Message?.StartsWith(Ufw, StringComparison.Ordinal) == true) ? Ufw : Nftables;

        /// <summary>Arms the timer that runs <paramref name="command"/> in <see cref="SafetySeconds"/>, replacing a leftover one.</summary>
        public static string ArmCommand(string command) =>
            $"systemctl stop {RollbackUnit}.timer {RollbackUnit}.service >/dev/null 2>&1; systemctl reset-failed {RollbackUnit} >/dev/null 2>&1; " +
            ArmOnlyCommand(command);

        private static string ArmOnlyCommand(string command) =>
            string.Format(CultureInfo.InvariantCulture, "systemd-run --quiet --unit={0} --on-active={1} {2}", RollbackUnit, SafetySeconds, command);

        /// <summary>Runs the inner step only where ufw is not active (nftables is not needed there).</summary>
        private sealed class UnlessUfwActive : NodeStep
        {
            private readonly NodeStep inner;

            public UnlessUfwActive(NodeStep inner)
                : base(inner.Name) => this.inner = inner;

            public override IEnumerable<string> Describe() => inner.Describe().Select(line => line + "   (unless ufw is active)");

            public override async Task<StepOutcome> ApplyAsync(StepContext context)
            {
                var ufwActive = await context.Host.ExecuteAsync(new RemoteCommand(UfwRules.ActiveCheckCommand), context.CancellationToken).ConfigureAwait(false);
                return ufwActive.Succeeded ? StepOutcome.Unchanged(Name, "not needed: ufw is active") : await inner.ApplyAsync(context).ConfigureAwait(false);
            }
        }

        private sealed class ApplyFirewallStep : NodeStep
        {
            private readonly HaPgNode node;
            private readonly string clusterName;
            private readonly Func<CancellationToken, Task> openNewSession;
            private readonly bool setDefaultDeny;
            private readonly IReadOnlyList<FirewallRule> rules;
            private readonly NodePlan nftPlan;
            private readonly string wantedText;

            public ApplyFirewallStep(HaPgInventory inventory, HaPgNode node, Func<CancellationToken, Task> openNewSession, bool setDefaultDeny)
                : base("firewall")
            {
                this.node = node;
                clusterName = inventory.ClusterName;
                this.openNewSession = openNewSession;
                this.setDefaultDeny = setDefaultDeny;
                rules = FirewallPlan.ForNode(inventory, node);
                var rulesFile = new FileStep(NftRuleset.Render(inventory, node));
                wantedText = rulesFile.File.Content;
                var unitFile = new FileStep(NftRuleset.RenderUnit());
                nftPlan = new NodePlan(node, new NodeStep[]
                {
                    rulesFile,
                    unitFile,
                    new ServiceStep(NftRuleset.UnitName, restartWhenChanged: new[] { rulesFile }, unitFilesChanged: new[] { unitFile }),
                    new LoadedTableStep(wantedText),
                });
            }

            public override IEnumerable<string> Describe()
            {
                yield return $"check: {UfwRules.ActiveCheckCommand}";
                const string IfUfw = "   (if ufw is active)";
                yield return $"check: {UfwRules.StatusVerboseCommand}   (if ufw is active: 'Default: deny (incoming)', or refuse {FirewallErrorId.UfwDefaultAllow}" +
                             $"{(setDefaultDeny ? " unless -SetDefaultDeny" : string.Empty)}; and a rule that admits tcp port {node.Port}, or refuse {FirewallErrorId.UfwSshNotAllowed})";
                yield return $"check: {UfwRules.StatusNumberedCommand}{IfUfw}";
                yield return $"run:   {UfwRules.DeleteCommand(0).Replace(" 0", " <n>")}   (if ufw is active: each rule commented '{UfwRules.Tag(clusterName)}' that is not below, highest number first)";
                foreach (var command in UfwRules.Commands(rules, clusterName))
                {
                    yield return $"run:   {command}   (if ufw is active, and no rule has it yet)";
                }

                if (setDefaultDeny)
                {
                    yield return $"run:   {ArmOnlyCommand(UfwRules.DefaultAllowCommand)}   (if ufw is active and allows by default: safety net)";
                    yield return $"run:   {UfwRules.DefaultDenyCommand}   (if ufw is active and allows by default)";
                }

                yield return $"check: {NftRuleset.ListCommand}   (otherwise: the loaded table carries comment \"{NftRuleset.MarkerOf(wantedText)}\")";
                yield return $"run:   {ArmOnlyCommand("/usr/sbin/" + NftRuleset.RemoveCommand)}   (otherwise, if the table is not the wanted one: safety net)";
                foreach (var line in nftPlan.Describe())
                {
                    yield return line + "   (otherwise)";
                }

                yield return $"check: a new SSH session to {node.Address}:{node.Port} still gets in; then {DisarmCommand}";
                yield return $"check: {NftRuleset.ListCommand}, or with ufw {UfwRules.StatusVerboseCommand}   (after disarming: the wanted state is still loaded, " +
                             $"else {FirewallErrorId.SafetyTimerFired})";
            }

            public override async Task<StepOutcome> ApplyAsync(StepContext context)
            {
                var ct = context.CancellationToken;
                var ufwActive = await context.Host.ExecuteAsync(new RemoteCommand(UfwRules.ActiveCheckCommand), ct).ConfigureAwait(false);
                return ufwActive.Succeeded ? await ApplyUfwAsync(context).ConfigureAwait(false) : await ApplyNftablesAsync(context).ConfigureAwait(false);
            }

            private async Task<StepOutcome> ApplyUfwAsync(StepContext context)
            {
                var ct = context.CancellationToken;
                var verbose = await context.Host.RunAsync(new RemoteCommand(UfwRules.StatusVerboseCommand), ct, Name).ConfigureAwait(false);
                var deniesByDefault = UfwRules.DeniesByDefault(verbose.Stdout);
                if (!deniesByDefault && !setDefaultDeny)
                {
                    throw Refuse(FirewallErrorId.UfwDefaultAllow,
                        $"{node.Name}: ufw admits incoming traffic by default ('{UfwRules.DefaultIncoming(verbose.Stdout) ?? "no default"} (incoming)'), so allow rules " +
                        "would restrict nothing. Nothing was changed. Run 'ufw default deny incoming' yourself, or Set-HaPgFirewall -SetDefaultDeny, " +
                        "which sets it after the rules are in place and proves a fresh SSH login before keeping it.");
                }

                if (!UfwRules.AllowsSsh(verbose.Stdout, node.Port, clusterName))
                {
                    throw Refuse(FirewallErrorId.UfwSshNotAllowed,
                        $"{node.Name}: no ufw rule admits SSH (tcp port {node.Port}), and HaPg does not open it to everyone. Nothing was changed. " +
                        $"Allow it from your admin network first, e.g. 'ufw allow proto tcp from <admin network> to any port {node.Port}'.");
                }

                var numbered = await context.Host.RunAsync(new RemoteCommand(UfwRules.StatusNumberedCommand), ct, Name).ConfigureAwait(false);
                var (delete, add) = UfwRules.Changes(rules, clusterName, numbered.Stdout);
                foreach (var number in delete)
                {
                    await context.Host.RunAsync(new RemoteCommand(UfwRules.DeleteCommand(number)), ct, Name).ConfigureAwait(false);
                }

                var added = 0;
                foreach (var command in add)
                {
                    var output = await context.Host.RunAsync(new RemoteCommand(command), ct, Name).ConfigureAwait(false);
                    added += output.Stdout.Contains("Rule added") || output.Stdout.Contains("Rule updated") || output.Stdout.Contains("Rules updated") ? 1 : 0;
                }

                var armed = false;
                if (!deniesByDefault)
                {
                    // The rules, and the administrator's SSH rule, are in place: deny the rest, under a timer that admits it again.
                    await context.Host.RunAsync(new RemoteCommand(ArmCommand(UfwRules.DefaultAllowCommand)), ct, Name).ConfigureAwait(false);
                    armed = true;
                    await context.Host.RunAsync(new RemoteCommand(UfwRules.DefaultDenyCommand), ct, Name).ConfigureAwait(false);
                }

                await VerifyNewSessionAsync(context).ConfigureAwait(false);
                if (armed)
                {
                    await context.Host.RunAsync(new RemoteCommand(DisarmCommand), ct, Name).ConfigureAwait(false);
                    var after = await context.Host.RunAsync(new RemoteCommand(UfwRules.StatusVerboseCommand), ct, Name).ConfigureAwait(false);
                    if (!UfwRules.DeniesByDefault(after.Stdout))
                    {
                        throw TimerFired("ufw admits incoming traffic by default again");
                    }
                }

                var changes = new List<string>();
                if (delete.Count > 0) changes.Add($"{delete.Count} stale rule(s) deleted");
                if (added > 0) changes.Add($"{added} rule(s) added");
                if (armed) changes.Add("default incoming policy set to deny");
                return changes.Count > 0 ? StepOutcome.ChangedBy(Name, $"{Ufw}: {string.Join(", ", changes)}") : StepOutcome.Unchanged(Name, Ufw);
            }

            private async Task<StepOutcome> ApplyNftablesAsync(StepContext context)
            {
                var ct = context.CancellationToken;
                var before = await context.Host.ExecuteAsync(new RemoteCommand(NftRuleset.ListCommand), ct).ConfigureAwait(false);
                var armed = !NftRuleset.IsLoaded(before.Succeeded ? before.Stdout : null, wantedText);
                if (armed)
                {
                    // Safety net: if anything below strands the node, the table removes itself.
                    await context.Host.RunAsync(new RemoteCommand(ArmCommand("/usr/sbin/" + NftRuleset.RemoveCommand)), ct, Name).ConfigureAwait(false);
                }

                var outcomes = await nftPlan.RunAsync(new StepContext(context.Host, ct, context.Verbose)).ConfigureAwait(false);
                await VerifyNewSessionAsync(context).ConfigureAwait(false);
                if (armed)
                {
                    await context.Host.RunAsync(new RemoteCommand(DisarmCommand), ct, Name).ConfigureAwait(false);
                    var after = await context.Host.ExecuteAsync(new RemoteCommand(NftRuleset.ListCommand), ct).ConfigureAwait(false);
                    if (!NftRuleset.IsLoaded(after.Succeeded ? after.Stdout : null, wantedText))
                    {
                        throw TimerFired($"table inet {NftRuleset.TableName} is {(after.Succeeded ? "not the one HaPg loaded" : "gone")}");
                    }
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

            private HaPgRemoteException Refuse(string id, string message) =>
                new HaPgRemoteException(id, ErrorCategory.SecurityError, node, message);

            private HaPgRemoteException TimerFired(string what) =>
                new HaPgRemoteException(FirewallErrorId.SafetyTimerFired, ErrorCategory.OperationTimeout, node,
                    $"{node.Name}: after the safety timer was disarmed, {what}: the timer ({SafetySeconds} s) fired before the login proof finished. " +
                    "SSH was never locked out; run Set-HaPgFirewall again.");
        }
    }
}
