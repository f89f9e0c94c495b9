using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Inventory;
using HaPg.Remote;

namespace HaPg.Tests.Steps
{
    /// <summary>
    /// A test double of one node: records every command and answers by the first pattern that matches its text
    /// (exit 0 and no output when none does). Only for unit tests of the step logic.
    /// </summary>
    internal sealed class RecordingHost : IRemoteHost
    {
        private readonly List<(Regex Pattern, Func<RemoteCommand, RemoteCommandResult> Answer)> answers =
            new List<(Regex, Func<RemoteCommand, RemoteCommandResult>)>();

        public RecordingHost(HaPgNode? node = null) => Node = node ?? new HaPgNode { Name = "pg1", Address = "10.0.0.11" };

        public HaPgNode Node { get; }

        /// <summary>Set false to act as a connection whose session dropped.</summary>
        public bool IsConnected { get; set; } = true;

        public string? HostKeySha256 { get; set; }

        /// <summary>What <see cref="ClaimHostKeyNotice"/> answers once, as a connection that recorded a new host key.</summary>
        public string? HostKeyNotice { get; set; }

        public string? ClaimHostKeyNotice()
        {
            var notice = HostKeyNotice;
            HostKeyNotice = null;
            return notice;
        }

        public List<RemoteCommand> Commands { get; } = new List<RemoteCommand>();

        public IEnumerable<string> Texts => Commands.Select(c => c.Text);

        public RecordingHost On(string pattern, int exitCode, string stdout = "", string stderr = "") =>
            On(pattern, _ => new RemoteCommandResult { ExitCode = exitCode, Stdout = stdout, Stderr = stderr });

        public RecordingHost On(string pattern, Func<RemoteCommand, RemoteCommandResult> answer)
        {
            answers.Add((new Regex(pattern, RegexOptions.Singleline), answer));
            return this;
        }

        /// <summary>systemctl is-enabled / is-active of <paramref name="unit"/> answer these states.</summary>
        public RecordingHost Unit(string unit, string enabled, string active) =>
            On($"^systemctl is-enabled '?{Regex.Escape(unit)}'?$", enabled == "enabled" ? 0 : 1, enabled + "\n")
                .On($"^systemctl is-active '?{Regex.Escape(unit)}'?$", active == "active" ? 0 : 3, active + "\n");

        public Task<RemoteCommandResult> ExecuteAsync(RemoteCommand command, CancellationToken cancellationToken)
        {
            lock (Commands)
            {
                // Work that spans nodes (a failover's probes, who holds the virtual IP) reaches one host from several threads.
                Commands.Add(command);
            }

            var match = answers.FirstOrDefault(a => a.Pattern.IsMatch(command.Text));
            return Task.FromResult(match.Answer?.Invoke(command) ?? new RemoteCommandResult { ExitCode = 0 });
        }
    }
}
