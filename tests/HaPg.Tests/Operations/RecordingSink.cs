using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HaPg.Execution;

namespace HaPg.Tests.Operations
{
    /// <summary>An operation's output, recorded; ShouldProcess answers <see cref="Approve"/> (false under -WhatIf).</summary>
    internal sealed class RecordingSink : IOperationSink
    {
        public bool IsWhatIf { get; set; }

        public bool Approve { get; set; } = true;

        public List<(string Target, string Action)> Asked { get; } = new List<(string, string)>();
        public List<object> Objects { get; } = new List<object>();
        public List<string> Verbose { get; } = new List<string>();
        public List<string> Warnings { get; } = new List<string>();
        public List<ErrorRecord> Errors { get; } = new List<ErrorRecord>();
        public List<ProgressRecord> Progress { get; } = new List<ProgressRecord>();

        public IEnumerable<T> Results<T>() => Objects.OfType<T>();

        public bool ShouldProcess(string target, string action)
        {
            Asked.Add((target, action));
            return Approve && !IsWhatIf;
        }

        public void WriteObject(object result) => Objects.Add(result);
        public void WriteVerbose(string message) => Verbose.Add(message);
        public void WriteWarning(string message) => Warnings.Add(message);
        public void WriteError(ErrorRecord record) => Errors.Add(record);
        public void WriteProgress(ProgressRecord record) => Progress.Add(record);
    }
}
