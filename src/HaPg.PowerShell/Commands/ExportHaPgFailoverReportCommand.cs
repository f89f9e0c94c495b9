using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using HaPg.Failover.Report;
using HaPg.Results;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Writes failover results as one self-contained HTML report: a timeline chart, the figures and the cluster before and after, per scenario.</summary>
    /// <remarks>
    /// <para>The report opens with a summary table of every result given, then the shape of each inventory (node names and
    /// roles), then one section per scenario: the writer's acknowledged, failed and unknown writes per 100 ms with the write
    /// downtime shaded and marks where the fault was injected, the leader lock was taken, HAProxy switched, the fault was
    /// healed and the restored node streamed again (times from the fault); the figures of the result and its verdict; the
    /// Patroni members before and after; and the timestamped events.</para>
    /// <para>The file is one HTML page with inline CSS and SVG: no script, no font or image from anywhere, and a
    /// Content-Security-Policy that forbids every request, so it reads the same offline, in a mail or in an archive. It holds no
    /// password and no address: every secret of the inventory is masked, and every node address is replaced by the node's
    /// name.</para>
    /// <para>The file is written beside its target and moved into place. An existing file is replaced, unless -NoClobber (then
    /// error HaPg.Report.FileExists); a missing folder is error HaPg.Report.DirectoryNotFound. Both are raised before any input
    /// is read. Test-HaPgFailover -ReportPath writes the same report directly.</para>
    /// </remarks>
    /// <example>
    /// <code>$inventory | Test-HaPgFailover -Scenario Switchover, Crash -Confirm:$false | Export-HaPgFailoverReport -Path ./failover.html</code>
    /// <para>Runs two scenarios and writes their report.</para>
    /// </example>
    /// <example>
    /// <code>$results | Export-HaPgFailoverReport -Path ./matrix.html -NoClobber -PassThru</code>
    /// <para>Writes the report of results gathered earlier, unless matrix.html exists, and returns the file.</para>
    /// </example>
    [Cmdlet(VerbsData.Export, "HaPgFailoverReport", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportHaPgFailoverReportCommand : PSCmdlet
    {
        private readonly List<HaPgFailoverResult> results = new List<HaPgFailoverResult>();

        /// <summary>The results of Test-HaPgFailover to report, in the order given.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        public HaPgFailoverResult[] InputObject { get; set; } = Array.Empty<HaPgFailoverResult>();

        /// <summary>The HTML file to write.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public string Path { get; set; } = string.Empty;

        /// <summary>Keeps an existing file: the report is not written and the cmdlet stops with HaPg.Report.FileExists.</summary>
        [Parameter]
        public SwitchParameter NoClobber { get; set; }

        /// <summary>Returns the file written.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private string path = string.Empty;

        protected override void BeginProcessing()
        {
            var (full, error) = ReportTarget.Resolve(this, Path, NoClobber);
            if (error is not null) ThrowTerminatingError(error);
            path = full;
        }

        protected override void ProcessRecord() => results.AddRange(InputObject);

        protected override void EndProcessing()
        {
            if (!ShouldProcess(path, $"Write the failover report of {results.Count} scenario run(s)"))
            {
                return;
            }

            new FailoverReportDocument(results, DateTimeOffset.Now).Save(path);
            WriteVerbose($"Wrote the failover report of {results.Count} scenario run(s) to '{path}'.");
            if (PassThru)
            {
                WriteObject(new FileInfo(path));
            }
        }
    }
}
