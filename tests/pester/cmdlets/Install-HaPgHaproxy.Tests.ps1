# Install-HaPgHaproxy, offline (no SSH, no lab): its public parameters are pinned here, as Module.Tests.ps1 requires.
# Against real nodes it is tested in tests/lab/.
BeforeAll {
    Import-Module $env:HAPG_MODULE_MANIFEST -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Install-HaPgHaproxy' {
    It 'keeps its public parameters' {
        Get-HaPgParameterPin Install-HaPgHaproxy | Should -Be @(
            'AcceptHostKey [switch]'
            'Inventory [HaPg.Inventory.HaPgInventory] Mandatory ValueFromPipeline ValueFromPipelineByPropertyName'
            'Node [string[]]'
            'Profile [string]'
            'StatsBindAddress [string]'
            'StatsUser [string]'
            'ThrottleLimit [int]'
            'TimeoutSeconds [int]'
            'VirtualRouterId [Nullable[int]]'
            'VrrpAdvertInterval [double]'
        )
    }
}
