using System.Management.Automation;

namespace HaPg.Execution
{
    /// <summary>
    /// Where an operation's output goes and who approves its changes: a cmdlet's streams and ShouldProcess in
    /// PowerShell (<see cref="CmdletSink"/>), a recorder in unit tests. Called on the pipeline thread only.
    /// </summary>
    public interface IOperationSink
    {
        /// <summary>True under -WhatIf: operations show their plans and change nothing.</summary>
        bool IsWhatIf { get; }

        bool ShouldProcess(string target, string action);

        void WriteObject(object result);

        void WriteVerbose(string message);

        void WriteWarning(string message);

        void WriteError(ErrorRecord record);

        void WriteProgress(ProgressRecord record);
    }
}
