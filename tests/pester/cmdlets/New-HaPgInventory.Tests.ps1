# New-HaPgInventory, offline (no SSH, no lab): its public parameters are pinned here, as Module.Tests.ps1 requires.
# Its behaviour is tested in tests/pester/Inventory.Tests.ps1 and xUnit (tests/HaPg.Tests/Inventory/InventoryCmdletTests.cs).
BeforeAll {
    Import-Module $env:HAPG_MODULE_MANIFEST -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'New-HaPgInventory' {
    It 'keeps its public parameters' {
        Get-HaPgParameterPin New-HaPgInventory | Should -Be @(
            'Address [string] ByProperty: ValueFromPipelineByPropertyName'
            'CaCertificatePath [string]'
            'CaKeyPath [string]'
            'ClientNetwork [string[]] Alias=ClientNetworks'
            'ClusterName [string]'
            'Credential [pscredential]'
            'EtcdClientPort [Nullable[int]]'
            'EtcdPeerPort [Nullable[int]]'
            'HaproxyPrimaryPort [Nullable[int]]'
            'HaproxyReplicaPort [Nullable[int]]'
            'HaproxyStatsPort [Nullable[int]]'
            'HostKeySha256 [string] ByProperty: ValueFromPipelineByPropertyName'
            'KeyPath [string] ByProperty: ValueFromPipelineByPropertyName'
            'KnownHostsPath [string]'
            'Layout [string]'
            'Name [string] ByProperty: ValueFromPipelineByPropertyName'
            'Namespace [string]'
            'Node [object[]] ByNode: Mandatory'
            'NodeSudo [Nullable[HaPg.Inventory.SudoMode]] ByProperty: ValueFromPipelineByPropertyName Alias=Sudo'
            'PatroniRestPort [Nullable[int]]'
            'Port [Nullable[int]] ByProperty: ValueFromPipelineByPropertyName'
            'PostgresPort [Nullable[int]]'
            'PostgresVersion [Nullable[int]]'
            'Role [HaPg.Inventory.HaPgRole[]] ByProperty: ValueFromPipelineByPropertyName Alias=Roles'
            'SudoMode [Nullable[HaPg.Inventory.SudoMode]]'
            'SudoPassword [securestring]'
            'User [string] ByProperty: ValueFromPipelineByPropertyName'
            'VirtualIP [string]'
        )
    }
}
