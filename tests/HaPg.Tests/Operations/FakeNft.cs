using System;
using HaPg.Components.Firewall;
using HaPg.Remote;
using HaPg.Tests.Steps;

namespace HaPg.Tests.Operations
{
    /// <summary>
    /// The kernel's table inet hapg behind a <see cref="RecordingHost"/>: hapg-firewall.service loads what /etc/hapg/firewall.nft
    /// holds (from <see cref="FakeFiles"/>), and nft list table shows it back. A timer that fired removes it when it is disarmed.
    /// </summary>
    internal sealed class FakeNft
    {
        public FakeNft(RecordingHost host, FakeFiles files)
        {
            host.On("^systemctl (restart|reload|start) '?hapg-firewall.service'?$", _ =>
                {
                    var text = files[NftRuleset.FilePath] ?? throw new InvalidOperationException("no rules file to load");
                    Loaded = text.Substring(text.IndexOf("table inet hapg {", StringComparison.Ordinal));
                    Loads++;
                    return new RemoteCommandResult { ExitCode = 0 };
                })
                .On(@"^systemctl stop hapg-firewall-rollback\.timer >", _ =>
                {
                    if (TimerFired)
                    {
                        Loaded = null;
                    }

                    return new RemoteCommandResult { ExitCode = 0 };
                })
                .On("nft list table inet hapg", _ => Loaded is null
                    ? new RemoteCommandResult { ExitCode = 1, Stderr = "Error: No such file or directory" }
                    : new RemoteCommandResult { ExitCode = 0, Stdout = Loaded });
        }

        /// <summary>The loaded table as nft lists it, or null when there is none.</summary>
        public string? Loaded { get; set; }

        /// <summary>How often the unit loaded the file.</summary>
        public int Loads { get; private set; }

        /// <summary>Set to act as a safety timer that fired before it was disarmed (the table is gone then).</summary>
        public bool TimerFired { get; set; }
    }
}
