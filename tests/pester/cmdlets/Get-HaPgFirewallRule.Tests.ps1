# Get-HaPgFirewallRule, offline (no SSH, no lab): its public parameters are pinned here, as Module.Tests.ps1 requires.
# It never connects, so its behaviour is tested here too.
BeforeAll {
    Import-Module $env:HAPG_MODULE_MANIFEST -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Get-HaPgFirewallRule' {
    BeforeAll {
        $inventory = New-HaPgTestInventory $TestDrive
    }

    It 'keeps its public parameters' {
        Get-HaPgParameterPin Get-HaPgFirewallRule | Should -Be @(
            'Inventory [HaPg.Inventory.HaPgInventory] Mandatory ValueFromPipeline ValueFromPipelineByPropertyName'
            'Node [string[]]'
        )
    }

    It 'lists the rules of every node from the inventory alone' {
        $rules = @($inventory | Get-HaPgFirewallRule)
        @($rules.Node | Select-Object -Unique) | Should -Be @('pg1', 'pg2', 'pg3')
        ($rules | Where-Object { $_.Node -eq 'pg1' -and $_.Service -eq 'ssh' }).Port | Should -Be 22
        ($rules | Where-Object { $_.Node -eq 'pg2' -and $_.Service -eq 'postgres' }).Sources | Should -Contain '192.0.2.13/32'
    }

    It 'lists an inventory once when the previous cmdlet''s results carry it once per node' {
        $once = @($inventory | Get-HaPgFirewallRule)
        $results = 1..3 | ForEach-Object { [pscustomobject]@{ Node = "pg$_"; Inventory = $inventory } }
        @($results | Get-HaPgFirewallRule).Count | Should -Be $once.Count
    }

    It 'limits the rules to the nodes -Node names' {
        @(($inventory | Get-HaPgFirewallRule -Node pg2).Node | Select-Object -Unique) | Should -Be @('pg2')
    }

    It 'refuses a node the inventory does not have with HaPg.Inventory.UnknownNode' {
        $failure = Get-HaPgError { $inventory | Get-HaPgFirewallRule -Node pg9 }
        $failure.FullyQualifiedErrorId | Should -BeLike 'HaPg.Inventory.UnknownNode,*'
        $failure.Exception.Message | Should -BeLike "*'pg9'*pg1, pg2, pg3*"
    }

    It 'refuses an empty -Node instead of listing every node' {
        (Get-HaPgError { $inventory | Get-HaPgFirewallRule -Node @() }).FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
    }
}
