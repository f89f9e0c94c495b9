using System.Management.Automation;

namespace HaPg.Execution
{
    /// <summary>An operation's output written to the running cmdlet's streams.</summary>
    public sealed class CmdletSink : IOperationSink
    {
        private readonly PSCmdlet cmdlet;

        public CmdletSink(PSCmdlet cmdlet) => this.cmdlet = cmdlet;

        public bool IsWhatIf =>
            cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value)
                ? LanguagePrimitives.IsTrue(value)
                : LanguagePrimitives.IsTrue(cmdlet.GetVariableValue("WhatIfPreference"));

        public bool ShouldProcess(string target, string action) => cmdlet.ShouldProcess(target, action);

        public void WriteObject(object result) => cmdlet.WriteObject(result);

        public void WriteVerbose(string message) => cmdlet.WriteVerbose(message);

        public void WriteWarning(string message) => cmdlet.WriteWarning(message);

        public void WriteError(ErrorRecord record) => cmdlet.WriteError(record);

        public void WriteProgress(ProgressRecord record) => cmdlet.WriteProgress(record);
    }
}
