# Install-HaPgPatroni, offline (no SSH, no lab): its public parameters are pinned here, as Module.Tests.ps1 requires.
# Against real nodes it is tested in tests/lab/.
BeforeAll {
    Import-Module $env:HAPG_MODULE_MANIFEST -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Install-HaPgPatroni' {
    BeforeAll {
        $inventory = New-HaPgTestInventory $TestDrive
    }

    It 'keeps its public parameters' {
        Get-HaPgParameterPin Install-HaPgPatroni | Should -Be @(
            'AcceptHostKey [switch]'
            'Inventory [HaPg.Inventory.HaPgInventory] Mandatory ValueFromPipeline ValueFromPipelineByPropertyName'
            'Node [string[]]'
            'PatroniSource [string]'
            'ThrottleLimit [int]'
        )
    }

    It 'stops with HaPg.Pipeline.UpstreamFailed, saying so, after an earlier step of the pipeline was not run (-WhatIf)' {
        $null = $inventory | Install-HaPgEtcd -WhatIf | Install-HaPgPatroni -ErrorVariable failures -ErrorAction SilentlyContinue
        $failure = @($failures)
        $failure.Count | Should -Be 1
        $failure[0].FullyQualifiedErrorId | Should -Be 'HaPg.Pipeline.UpstreamFailed,HaPg.PowerShell.Commands.InstallHaPgPatroniCommand'
        $failure[0].Exception.Message | Should -Be ('Skipped: an earlier step of this pipeline was not run, under -WhatIf or declined ' +
            '(pg1: Installing etcd; pg2: Installing etcd; pg3: Installing etcd). Run the pipeline again without -WhatIf.')
    }

    # Test-HaPgConnection fails on every node: the test inventory's key is no key.
    It 'stops with HaPg.Pipeline.UpstreamFailed, naming what failed, after an earlier step failed' {
        $null = $inventory | Test-HaPgConnection -ErrorAction SilentlyContinue |
            Install-HaPgPatroni -ErrorVariable failures -ErrorAction SilentlyContinue
        $failure = @($failures)
        $failure.Count | Should -Be 1
        $failure[0].FullyQualifiedErrorId | Should -Be 'HaPg.Pipeline.UpstreamFailed,HaPg.PowerShell.Commands.InstallHaPgPatroniCommand'
        # The nodes fail in parallel, in any order.
        $message = $failure[0].Exception.Message
        $message | Should -Match '^Skipped: an earlier step of this pipeline failed \((pg\d: Testing connections(; )?){3}\)\. Fix that and run the pipeline again\.$'
        foreach ($node in 'pg1', 'pg2', 'pg3') { $message | Should -BeLike "*$node*" }
    }
}
