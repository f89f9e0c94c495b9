using System;
using System.Collections.Generic;

namespace HaPg.Remote
{
    /// <summary>A shell command for one node. Runs under sudo unless told otherwise.</summary>
    public sealed class RemoteCommand
    {
        public RemoteCommand(string text) => Text = text;

        /// <summary>POSIX sh command line; run through sh -c on the node.</summary>
        public string Text { get; }

        public bool Sudo { get; set; } = true;

        /// <summary>Standard input for the command (after the sudo password, when one is needed).</summary>
        public string? Stdin { get; set; }

        /// <summary>Values to replace with *** in every log line, error and verbose message.</summary>
        public IList<string> Secrets { get; } = new List<string>();

        /// <summary>How long the command may run; then it is cancelled on the node and HaPg.Ssh.Timeout is thrown.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

        /// <summary>Receives each stdout and stderr line as it arrives, already redacted.</summary>
        public Action<string>? OutputLine { get; set; }

        /// <summary>False keeps stdout out of verbose output (e.g. file contents); stderr is still shown.</summary>
        public bool LogStdout { get; set; } = true;

        public override string ToString() => Text;
    }
}
