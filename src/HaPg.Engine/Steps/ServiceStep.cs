using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using HaPg.Remote;

namespace HaPg.Steps
{
    /// <summary>
    /// Keeps a systemd unit enabled and running. Restarts (or reloads) it only when one of the named earlier
    /// steps changed something on this run.
    /// </summary>
    public sealed class ServiceStep : NodeStep
    {
        public ServiceStep(string unit, IEnumerable<string>? restartWhenChanged = null, bool reloadInsteadOfRestart = false, bool noBlock = false,
            IEnumerable<string>? unitFilesChanged = null)
            : base((reloadInsteadOfRestart ? "reload " : "start ") + unit)
        {
            Unit = unit;
            RestartWhenChanged = restartWhenChanged?.ToList() ?? new List<string>();
            UnitFileSteps = unitFilesChanged?.ToList() ?? new List<string>();
            ReloadInsteadOfRestart = reloadInsteadOfRestart;
            NoBlock = noBlock;
        }

        public string Unit { get; }

        /// <summary>Names of earlier steps whose change requires a restart or reload of this unit.</summary>
        public IReadOnlyList<string> RestartWhenChanged { get; }

        public bool ReloadInsteadOfRestart { get; }

        /// <summary>Names of earlier steps that write unit files: when one changed, systemd re-reads them first.</summary>
        public IReadOnlyList<string> UnitFileSteps { get; }

        /// <summary>Do not wait for the unit to report ready (etcd's first member waits for quorum).</summary>
        public bool NoBlock { get; }

        private string Flags => NoBlock ? "--no-block " : string.Empty;

        public override IEnumerable<string> Describe()
        {
            yield return $"check: systemctl is-enabled {Unit}; systemctl is-active {Unit}";
            yield return $"run:   systemctl enable {Unit}; systemctl {Flags}start {Unit}";
            if (UnitFileSteps.Count > 0)
            {
                yield return $"run:   systemctl daemon-reload   (only if {string.Join(", ", UnitFileSteps)} changed)";
            }

            if (RestartWhenChanged.Count > 0)
            {
                yield return $"run:   systemctl {Flags}{(ReloadInsteadOfRestart ? "reload" : "restart")} {Unit}   (only if {string.Join(", ", RestartWhenChanged)} changed)";
            }
        }

        public override async Task<StepOutcome> ApplyAsync(StepContext context)
        {
            var ct = context.CancellationToken;
            var unit = ShellQuote.Quote(Unit);
            if (context.AnyChanged(UnitFileSteps))
            {
                await context.Host.RunAsync(new RemoteCommand("systemctl daemon-reload"), ct, Name).ConfigureAwait(false);
            }

            var enabled = await context.Host.ExecuteAsync(new RemoteCommand($"systemctl is-enabled {unit}") { Sudo = false }, ct).ConfigureAwait(false);
            var active = await context.Host.ExecuteAsync(new RemoteCommand($"systemctl is-active {unit}") { Sudo = false }, ct).ConfigureAwait(false);
            var actions = new List<string>();

            if (enabled.Stdout.Trim() != "enabled")
            {
                await context.Host.RunAsync(new RemoteCommand($"systemctl enable {unit}"), ct, Name).ConfigureAwait(false);
                actions.Add("enabled");
            }

            var isActive = active.Stdout.Trim() == "active";
            if (!isActive)
            {
                await context.Host.RunAsync(new RemoteCommand($"systemctl {Flags}start {unit}"), ct, Name).ConfigureAwait(false);
                actions.Add("started");
            }
            else if (context.AnyChanged(RestartWhenChanged.Concat(UnitFileSteps)))
            {
                var verb = ReloadInsteadOfRestart ? "reload" : "restart";
                await context.Host.RunAsync(new RemoteCommand($"systemctl {Flags}{verb} {unit}"), ct, Name).ConfigureAwait(false);
                actions.Add(verb == "reload" ? "reloaded" : "restarted");
            }

            return actions.Count == 0 ? StepOutcome.Unchanged(Name) : StepOutcome.ChangedBy(Name, string.Join(", ", actions));
        }
    }
}
