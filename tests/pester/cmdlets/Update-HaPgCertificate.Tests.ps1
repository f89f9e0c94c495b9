# Update-HaPgCertificate, offline (no SSH, no lab): its public parameters are pinned here, as Module.Tests.ps1 requires.
# Against real nodes, with a writer running, it is tested in tests/lab/Failover.Tests.ps1.
BeforeAll {
    Import-Module $env:HAPG_MODULE_MANIFEST -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Update-HaPgCertificate' {
    It 'keeps its public parameters' {
        Get-HaPgParameterPin Update-HaPgCertificate | Should -Be @(
            'AcceptHostKey [switch]'
            'Inventory [HaPg.Inventory.HaPgInventory] Mandatory ValueFromPipeline ValueFromPipelineByPropertyName'
            'Node [string[]]'
            'NoWriter [switch]'
            'ThrottleLimit [int]'
            'TimeoutSeconds [int]'
        )
    }

    It 'lists, per node, the certificates it would issue and the services it would reload, under -WhatIf, touching nothing' {
        $key = Join-Path $TestDrive 'id_ed25519'
        Set-Content -LiteralPath $key -Value 'not read under -WhatIf'
        $inventory = @(
            @{ Name = 'pg1'; Address = '192.0.2.11'; Role = 'Postgres', 'Etcd' }
            @{ Name = 'pg2'; Address = '192.0.2.12'; Role = 'Postgres', 'Etcd' }
            @{ Name = 'pg3'; Address = '192.0.2.13'; Role = 'Postgres', 'Etcd' }
            @{ Name = 'lb1'; Address = '192.0.2.15'; Role = 'Haproxy' }
        ) | ForEach-Object { [pscustomobject]$_ } |
            New-HaPgInventory -ClusterName tlsdemo -KeyPath $key -KnownHostsPath (Join-Path $TestDrive 'known_hosts') -WarningAction SilentlyContinue
        $results = @($inventory | Update-HaPgCertificate -WhatIf -WarningAction SilentlyContinue)
        $results.Node | Should -Be @('pg1', 'pg2', 'pg3', 'lb1')
        $results.Status | Sort-Object -Unique | Should -Be 'WhatIf'
        ($results[0].Messages -join "`n") | Should -Match 'issue: a new key and certificate for /etc/hapg/tls/etcd.crt'
        ($results[0].Messages -join "`n") | Should -Match 'systemctl reload patroni.service'
        ($results[3].Messages -join "`n") | Should -Match '/etc/hapg/tls/haproxy.pem'
        Test-Path (Join-Path $TestDrive 'known_hosts') | Should -BeFalse
    }
}
