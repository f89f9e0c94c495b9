# Export-HaPgInventory, offline (no SSH, no lab): its public parameters are pinned here, as Module.Tests.ps1 requires.
# Its behaviour is tested in tests/pester/Inventory.Tests.ps1 and xUnit (tests/HaPg.Tests/Inventory/InventoryCmdletTests.cs).
BeforeAll {
    Import-Module $env:HAPG_MODULE_MANIFEST -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Export-HaPgInventory' {
    It 'keeps its public parameters' {
        Get-HaPgParameterPin Export-HaPgInventory | Should -Be @(
            'Force [switch]'
            'Inventory [HaPg.Inventory.HaPgInventory] Mandatory ValueFromPipeline ValueFromPipelineByPropertyName'
            'PassThru [switch]'
            'Path [string] Mandatory Position=0'
            'SecretsPath [string]'
        )
    }
}
