using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace HaPg.Tests
{
    /// <summary>A real runspace with every HaPg cmdlet registered, for invoking cmdlets from xUnit.</summary>
    public sealed class PowerShellHost : System.IDisposable
    {
        private readonly Runspace runspace;

        public PowerShellHost()
        {
            var state = InitialSessionState.CreateDefault2();
            var assembly = typeof(HaPg.PowerShell.ModuleInitializer).Assembly;
            foreach (var type in assembly.GetTypes().Where(t => typeof(PSCmdlet).IsAssignableFrom(t) && !t.IsAbstract))
            {
                var attribute = (CmdletAttribute?)System.Attribute.GetCustomAttribute(type, typeof(CmdletAttribute));
                if (attribute is not null)
                {
                    state.Commands.Add(new SessionStateCmdletEntry($"{attribute.VerbName}-{attribute.NounName}", type, null));
                }
            }

            runspace = RunspaceFactory.CreateRunspace(state);
            runspace.Open();
        }

        /// <summary>Runs a script; returns output and the error records it wrote.</summary>
        public (Collection<PSObject> Output, IReadOnlyList<ErrorRecord> Errors) Invoke(string script, IDictionary<string, object?>? variables = null)
        {
            var (output, errors, _) = InvokeWithProgress(script, variables);
            return (output, errors);
        }

        /// <summary>Runs a script; returns output, the error records and the progress records it wrote (remote work always writes progress).</summary>
        public (Collection<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, IReadOnlyList<ProgressRecord> Progress) InvokeWithProgress(
            string script, IDictionary<string, object?>? variables = null)
        {
            using var ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = runspace;
            if (variables is not null)
            {
                foreach (var pair in variables)
                {
                    runspace.SessionStateProxy.SetVariable(pair.Key, pair.Value);
                }
            }

            ps.AddScript(script);
            var output = ps.Invoke();
            return (output, ps.Streams.Error.ToList(), ps.Streams.Progress.ToList());
        }

        public void Dispose() => runspace.Dispose();
    }
}
