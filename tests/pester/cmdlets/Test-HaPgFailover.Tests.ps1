# Test-HaPgFailover, offline (no SSH, no lab): its public parameters are pinned here, as Module.Tests.ps1 requires.
# Against real nodes it is tested in tests/lab/.
BeforeAll {
    Import-Module $env:HAPG_MODULE_MANIFEST -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Test-HaPgFailover' {
    It 'keeps its public parameters' {
        Get-HaPgParameterPin Test-HaPgFailover | Should -Be @(
            'AcceptHostKey [switch]'
            'FaultHoldSeconds [int]'
            'HealFault [scriptblock]'
            'InjectFault [scriptblock]'
            'Inventory [HaPg.Inventory.HaPgInventory] Mandatory ValueFromPipeline ValueFromPipelineByPropertyName'
            'KeepTable [switch]'
            'Node [string[]]'
            'ReportPath [string]'
            'Scenario [string[]] Mandatory Position=0'
            'ThrottleLimit [int]'
            'TimeoutSeconds [int]'
            'WriteRate [int]'
        )
    }
}
