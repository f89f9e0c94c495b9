using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using HaPg.Components.Firewall;
using HaPg.Remote;
using HaPg.Tests.Steps;

namespace HaPg.Tests.Operations
{
    /// <summary>An active ufw behind a <see cref="RecordingHost"/>: its default and rules as `ufw status` shows them, kept as HaPg's commands change them.</summary>
    internal sealed class FakeUfw
    {
        public string DefaultIncoming { get; set; } = "deny";

        /// <summary>Rule lines as `ufw status numbered` prints them, without the number.</summary>
        public List<string> Rules { get; } = new List<string>();

        public bool TimerFired { get; set; }

        public FakeUfw(RecordingHost host)
        {
            Rules.Add($"{host.Node.Port + "/tcp",-26} {"ALLOW IN",-12}{"192.168.1.0/24",-26}");
            host.On("^" + Regex.Escape(UfwRules.ActiveCheckCommand) + "$", 0)
                .On("^ufw status verbose$", _ => Ok($"Status: active\nLogging: on (low)\nDefault: {DefaultIncoming} (incoming), allow (outgoing), disabled (routed)\n" +
                    "New profiles: skip\n\nTo                         Action      From\n--                         ------      ----\n" +
                    string.Concat(Rules.Select(r => r + "\n"))))
                .On("^ufw status numbered$", _ => Ok("Status: active\n\n     To                         Action      From\n     --                         ------      ----\n" +
                    string.Concat(Rules.Select((r, i) => $"[{i + 1,2}] {r}\n"))))
                .On("^ufw --force delete ", c =>
                {
                    Rules.RemoveAt(int.Parse(c.Text.Split(' ').Last()) - 1);
                    return Ok("Rule deleted\n");
                })
                .On("^ufw allow proto tcp from ", c =>
                {
                    var f = c.Text.Split(' ');
                    Rules.Add($"{f[9] + "/tcp",-26} {"ALLOW IN",-12}{f[5].Replace("/32", string.Empty),-26} # {f[11].Trim('\'')}");
                    return Ok("Rule added\n");
                })
                .On("^ufw default deny incoming$", _ =>
                {
                    DefaultIncoming = "deny";
                    return Ok("Default incoming policy changed to 'deny'\n");
                })
                .On(@"^systemctl stop hapg-firewall-rollback\.timer >", _ =>
                {
                    if (TimerFired) DefaultIncoming = "allow";
                    return Ok(string.Empty);
                })
                .On("os-release", 0, OperationHarness.Debian13);
        }

        private static RemoteCommandResult Ok(string stdout) => new RemoteCommandResult { ExitCode = 0, Stdout = stdout };
    }
}
