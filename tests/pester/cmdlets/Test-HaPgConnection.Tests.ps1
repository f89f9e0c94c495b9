# Test-HaPgConnection, offline (no SSH, no lab): its public parameters are pinned here, as Module.Tests.ps1 requires.
# Against an sshd: tests/pester/TestHaPgConnection.Tests.ps1 and xUnit (tests/HaPg.Tests/Remote/TestHaPgConnectionTests.cs).
BeforeAll {
    Import-Module $env:HAPG_MODULE_MANIFEST -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Test-HaPgConnection' {
    BeforeAll {
        $inventory = New-HaPgTestInventory $TestDrive
    }

    It 'keeps its public parameters' {
        Get-HaPgParameterPin Test-HaPgConnection | Should -Be @(
            'AcceptHostKey [switch]'
            'Force [switch]'
            'Inventory [HaPg.Inventory.HaPgInventory] Mandatory ValueFromPipeline ValueFromPipelineByPropertyName'
            'Node [string[]]'
            'ThrottleLimit [int]'
        )
    }

    It 'refuses a node the inventory does not have with HaPg.Inventory.UnknownNode, before any host is touched' {
        $failure = Get-HaPgError { $inventory | Test-HaPgConnection -Node pg9 }
        $failure.FullyQualifiedErrorId | Should -BeLike 'HaPg.Inventory.UnknownNode,*'
    }

    It 'refuses an empty -Node instead of testing every node' {
        (Get-HaPgError { $inventory | Test-HaPgConnection -Node @() }).FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
    }

    It 'still tests every node after an earlier step of the pipeline was not run' {
        $results = @($inventory | Install-HaPgEtcd -WhatIf | Test-HaPgConnection -ErrorVariable failures -ErrorAction SilentlyContinue)
        @($results.Node | Sort-Object) | Should -Be @('pg1', 'pg2', 'pg3')
        # Each node's own error (the test inventory's key is no key), not the pipeline's.
        @($failures.FullyQualifiedErrorId) | Should -Be (@('HaPg.Ssh.AuthenticationFailed,HaPg.PowerShell.Commands.TestHaPgConnectionCommand') * 3)
    }
}
