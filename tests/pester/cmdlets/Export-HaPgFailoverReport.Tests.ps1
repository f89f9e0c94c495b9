# Export-HaPgFailoverReport, offline (no SSH, no lab): its public parameters are pinned here, as Module.Tests.ps1 requires.
# Its report is tested in xUnit (tests/HaPg.Tests/Failover/ExportFailoverReportCmdletTests.cs).
BeforeAll {
    Import-Module $env:HAPG_MODULE_MANIFEST -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Export-HaPgFailoverReport' {
    It 'keeps its public parameters' {
        Get-HaPgParameterPin Export-HaPgFailoverReport | Should -Be @(
            'InputObject [HaPg.Results.HaPgFailoverResult[]] Mandatory ValueFromPipeline'
            'NoClobber [switch]'
            'PassThru [switch]'
            'Path [string] Mandatory Position=0'
        )
    }
}
