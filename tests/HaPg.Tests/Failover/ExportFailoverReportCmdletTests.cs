using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using HaPg.Failover;
using HaPg.Results;
using Xunit;

namespace HaPg.Tests.Failover
{
    public sealed class ExportFailoverReportCmdletTests : IDisposable
    {
        private readonly PowerShellHost host = new PowerShellHost();
        private readonly string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "hapg-rep-" + Guid.NewGuid().ToString("N"))).FullName;

        public void Dispose()
        {
            host.Dispose();
            Directory.Delete(folder, recursive: true);
        }

        private Dictionary<string, object?> Vars()
        {
            var inventory = FailoverReportTests.Inventory();
            var switchover = FailoverReportTests.Crash(inventory);
            switchover.Scenario = HaPgFailoverScenario.Switchover;
            return new Dictionary<string, object?>
            {
                ["results"] = new[] { switchover, FailoverReportTests.Crash(inventory) }, ["dir"] = folder, ["inventory"] = inventory,
            };
        }

        private ErrorRecord Fails(string script)
        {
            var (output, _) = host.Invoke($"try {{ {script} }} catch {{ $_ }}", Vars());
            return Assert.IsType<ErrorRecord>(Assert.Single(output).BaseObject);
        }

        [Fact]
        public void WritesOneReportOfEveryPipedResultAndReturnsItWithPassThru()
        {
            var (output, errors) = host.Invoke("$results | Export-HaPgFailoverReport -Path (Join-Path $dir 'r.html') -PassThru", Vars());

            Assert.Empty(errors);
            var file = Assert.IsType<FileInfo>(Assert.Single(output).BaseObject);
            Assert.Equal(Path.Combine(folder, "r.html"), file.FullName);
            var text = File.ReadAllText(file.FullName);
            Assert.Contains("data-scenario=\"Switchover\"", text, StringComparison.Ordinal);
            Assert.Contains("2 scenario run(s), 2 passed, 0 failed", text, StringComparison.Ordinal);
        }

        [Fact]
        public void ReplacesAnExistingFileUnlessNoClobber()
        {
            var path = Path.Combine(folder, "r.html");
            File.WriteAllText(path, "kept");

            var error = Fails("$results | Export-HaPgFailoverReport -Path (Join-Path $dir 'r.html') -NoClobber");
            Assert.Equal("HaPg.Report.FileExists,HaPg.PowerShell.Commands.ExportHaPgFailoverReportCommand", error.FullyQualifiedErrorId);
            Assert.Equal("kept", File.ReadAllText(path));

            var (_, errors) = host.Invoke("$results | Export-HaPgFailoverReport -Path (Join-Path $dir 'r.html')", Vars());
            Assert.Empty(errors);
            Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(path), StringComparison.Ordinal);
        }

        [Fact]
        public void RefusesAMissingFolderBeforeReadingInput()
        {
            var error = Fails("$results | Export-HaPgFailoverReport -Path (Join-Path $dir 'no/such/r.html')");

            Assert.Equal("HaPg.Report.DirectoryNotFound,HaPg.PowerShell.Commands.ExportHaPgFailoverReportCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        }

        [Fact]
        public void WritesNothingUnderWhatIf()
        {
            var (_, errors) = host.Invoke("$results | Export-HaPgFailoverReport -Path (Join-Path $dir 'r.html') -WhatIf", Vars());

            Assert.Empty(errors);
            Assert.Empty(Directory.GetFiles(folder));
        }

        [Fact]
        public void FailoverTestRefusesAReportPathItCannotWriteBeforeTouchingAnyNode()
        {
            // The inventory's nodes (10.0.0.x) are not there: any attempt to reach them would add connection errors.
            var (output, errors) = host.Invoke(
                "try { $inventory | Test-HaPgFailover -Scenario Crash -ReportPath (Join-Path $dir 'no/r.html') -Confirm:$false } catch { $_ }", Vars());

            var error = Assert.IsType<ErrorRecord>(Assert.Single(output).BaseObject);
            Assert.Equal("HaPg.Report.DirectoryNotFound,HaPg.PowerShell.Commands.TestHaPgFailoverCommand", error.FullyQualifiedErrorId);
            Assert.Contains(Path.Combine(folder, "no"), error.Exception.Message, StringComparison.Ordinal);
            Assert.Empty(errors);
        }
    }
}
