using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using HaPg.Remote;

namespace HaPg.Steps
{
    /// <summary>
    /// Keeps a systemd unit enabled and running. Restarts (or reloads) it when one of the named earlier steps changed
    /// something on this run, or, when it watches files, when one of them is newer than the unit's last start, restart or
    /// reload: a run cut off between writing a config and restarting leaves the old config running, and the next run sees
    /// the file newer than <see cref="StampPath"/> (touched after every start, restart and reload HaPg does) and applies it.
    /// A stamp, not the process's start time, because a reload keeps the process: its start time says nothing about which
    /// config it runs. Without a stamp yet (deployed before there were stamps) the unit's ActiveEnterTimestamp stands in.
    /// </summary>
    public sealed class ServiceStep : NodeStep
    {
        /// <summary>Where the stamps live: /var/lib/hapg/&lt;unit&gt;.applied.</summary>
        public const string StampDirectory = "/var/lib/hapg";

        /// <summary>What <see cref="StaleCheckCommand"/> prints first when the unit has no stamp yet.</summary>
        public const string NoStamp = "no-stamp";

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

        /// <summary>Watches the files of <paramref name="restartWhenChanged"/> and <paramref name="unitFilesChanged"/>: a change on this run, or a file
        /// newer than the unit's last start, restart or reload, restarts (or reloads) it.</summary>
        public ServiceStep(string unit, IEnumerable<IWritesFiles> restartWhenChanged, bool reloadInsteadOfRestart = false, bool noBlock = false,
            IEnumerable<IWritesFiles>? unitFilesChanged = null)
            : this(unit, restartWhenChanged.Select(s => s.Name).ToList(), reloadInsteadOfRestart, noBlock, unitFilesChanged?.Select(s => s.Name).ToList())
        {
            var configs = restartWhenChanged.SelectMany(s => s.WrittenPaths).ToList();
            UnitFilePaths = unitFilesChanged?.SelectMany(s => s.WrittenPaths).ToList() ?? new List<string>();
            WatchedFiles = configs.Concat(UnitFilePaths).Distinct(StringComparer.Ordinal).ToList();
        }

        public string Unit { get; }

        /// <summary>Names of earlier steps whose change requires a restart or reload of this unit.</summary>
        public IReadOnlyList<string> RestartWhenChanged { get; }

        public bool ReloadInsteadOfRestart { get; }

        /// <summary>Names of earlier steps that write unit files: when one changed, systemd re-reads them first.</summary>
        public IReadOnlyList<string> UnitFileSteps { get; }

        /// <summary>Paths whose mtime is compared with the unit's stamp (configs and unit files); empty when only step names were given.</summary>
        public IReadOnlyList<string> WatchedFiles { get; } = Array.Empty<string>();

        /// <summary>The watched unit files: one newer than the stamp needs a daemon-reload first.</summary>
        public IReadOnlyList<string> UnitFilePaths { get; } = Array.Empty<string>();

        /// <summary>Do not wait for the unit to report ready (etcd's first member waits for quorum).</summary>
        public bool NoBlock { get; }

        /// <summary>Touched after every start, restart or reload of the unit: the config it runs is the one on disk then.</summary>
        public string StampPath => $"{StampDirectory}/{(Unit.Contains(".") ? Unit : Unit + ".service")}.applied";

        /// <summary>
        /// Prints the watched files newer than the stamp. Without a stamp it prints <see cref="NoStamp"/>, then the files newer
        /// than the unit's ActiveEnterTimestamp (whole seconds, so one second later: a file written just before the start is not
        /// taken for newer). find compares full timestamps; systemctl's --timestamp=unix is in systemd 248 and later.
        /// </summary>
        public string StaleCheckCommand
        {
            get
            {
                var files = ShellQuote.Join(WatchedFiles);
                return $"s={ShellQuote.Quote(StampPath)}; if [ -e \"$s\" ]; then find {files} -maxdepth 0 -newer \"$s\" -print; " +
                       $"else echo {NoStamp}; t=$(systemctl show -p ActiveEnterTimestamp --timestamp=unix --value {ShellQuote.Quote(Unit)}); t=${{t#@}}; " +
                       $"[ -z \"$t\" ] || find {files} -maxdepth 0 -newermt \"@$((t + 1))\" -print; fi";
            }
        }

        /// <summary>Records that the unit now runs the files on disk.</summary>
        public string StampCommand => $"install -d -m 0755 {StampDirectory} && touch {ShellQuote.Quote(StampPath)}";

        private string Flags => NoBlock ? "--no-block " : string.Empty;

        private string Verb => ReloadInsteadOfRestart ? "reload" : "restart";

        public override IEnumerable<string> Describe()
        {
            if (WatchedFiles.Count > 0)
            {
                yield return $"check: {StaleCheckCommand}   (when nothing above changed: a watched file newer than its last start or reload)";
            }

            yield return $"check: systemctl is-enabled {Unit}; systemctl is-active {Unit}";
            yield return $"run:   systemctl enable {Unit}; systemctl {Flags}start {Unit}";
            if (UnitFileSteps.Count > 0)
            {
                yield return $"run:   systemctl daemon-reload   (only if {string.Join(", ", UnitFileSteps)} changed{(WatchedFiles.Count > 0 ? ", or is newer than its last start or reload" : string.Empty)})";
            }

            if (RestartWhenChanged.Count > 0)
            {
                yield return $"run:   systemctl {Flags}{Verb} {Unit}   (only if {string.Join(", ", RestartWhenChanged)} changed" +
                             (WatchedFiles.Count > 0 ? ", or a watched file is newer than its last start or reload)" : ")");
            }

            if (WatchedFiles.Count > 0)
            {
                yield return $"run:   {StampCommand}   (after a start, restart or reload)";
            }
        }

        public override async Task<StepOutcome> ApplyAsync(StepContext context)
        {
            var ct = context.CancellationToken;
            var unit = ShellQuote.Quote(Unit);
            var changedThisRun = context.AnyChanged(RestartWhenChanged.Concat(UnitFileSteps));
            var (stale, noStamp) = WatchedFiles.Count > 0 && !changedThisRun ? await ReadStaleAsync(context).ConfigureAwait(false) : (new List<string>(), false);

            if (context.AnyChanged(UnitFileSteps) || stale.Any(UnitFilePaths.Contains))
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

            var applied = false;
            var isActive = active.Stdout.Trim() == "active";
            if (!isActive)
            {
                await context.Host.RunAsync(new RemoteCommand($"systemctl {Flags}start {unit}"), ct, Name).ConfigureAwait(false);
                actions.Add("started");
                applied = true;
            }
            else if (changedThisRun || stale.Count > 0)
            {
                await context.Host.RunAsync(new RemoteCommand($"systemctl {Flags}{Verb} {unit}"), ct, Name).ConfigureAwait(false);
                var done = ReloadInsteadOfRestart ? "reloaded" : "restarted";
                actions.Add(changedThisRun ? done : $"{done}: {string.Join(", ", stale)} {(stale.Count == 1 ? "is" : "are")} newer than its last start or reload");
                applied = true;
            }

            if (WatchedFiles.Count > 0 && (applied || noStamp))
            {
                await context.Host.RunAsync(new RemoteCommand(StampCommand), ct, Name).ConfigureAwait(false);
            }

            return actions.Count == 0 ? StepOutcome.Unchanged(Name) : StepOutcome.ChangedBy(Name, string.Join(", ", actions));
        }

        /// <summary>The watched files newer than the stamp (or, without one, than the unit's start), and whether the stamp is missing.</summary>
        private async Task<(List<string> Stale, bool NoStamp)> ReadStaleAsync(StepContext context)
        {
            var result = await context.Host.ExecuteAsync(new RemoteCommand(StaleCheckCommand), context.CancellationToken).ConfigureAwait(false);
            var lines = result.Stdout.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            return (lines.Where(WatchedFiles.Contains).Distinct().ToList(), lines.Contains(NoStamp));
        }
    }
}
