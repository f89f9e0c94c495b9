<#
.SYNOPSIS
    Pester 5 checks of a running HaPg cluster: one test per Test-HaPgCluster check, and Get-HaPgCluster's view of the
    members. It changes nothing on the nodes: it only reads, over SSH.

.DESCRIPTION
    Point it at your cluster's inventory (written by Export-HaPgInventory, or by hand) and its secrets file
    (Export-HaPgInventory -SecretsPath):

        $env:HAPG_INVENTORY = '~/.hapg/pg.yaml'
        $env:HAPG_SECRETS   = '~/.hapg/pg.secrets.yaml'
        Invoke-Pester ./examples/Cluster.Tests.ps1 -Output Detailed

    or pass them as container data, e.g. from a scheduled job or CI:

        $container = New-PesterContainer -Path ./examples/Cluster.Tests.ps1 -Data @{
            InventoryPath = '~/.hapg/pg.yaml'; SecretsPath = '~/.hapg/pg.secrets.yaml'; MaxLagBytes = 16MB }
        Invoke-Pester -Container $container -Output Detailed

    The checks are read once, while Pester discovers the tests (one It per check needs them then), and asserted
    during the run. Imports the HaPg module from $env:HAPG_MODULE_MANIFEST when set, otherwise by name.
#>
param(
    # The inventory YAML for Import-HaPgInventory.
    [string] $InventoryPath = $env:HAPG_INVENTORY,

    # The cluster passwords file written by Export-HaPgInventory -SecretsPath.
    [string] $SecretsPath = $env:HAPG_SECRETS,

    # The replication lag, in bytes, a streaming replica may have.
    [long] $MaxLagBytes = 1MB
)

BeforeDiscovery {
    if (-not $InventoryPath -or -not $SecretsPath) {
        throw 'Give the inventory and its secrets file: $env:HAPG_INVENTORY and $env:HAPG_SECRETS, or -Data @{ InventoryPath; SecretsPath }.'
    }

    Import-Module $(if ($env:HAPG_MODULE_MANIFEST) { $env:HAPG_MODULE_MANIFEST } else { 'HaPg' })
    $inventory = Import-HaPgInventory $InventoryPath -SecretsPath $SecretsPath -WarningAction SilentlyContinue
    # A node that cannot be read fails its checks and the test below, whatever the caller's $ErrorActionPreference.
    $checks = @($inventory | Test-HaPgCluster -MaxLagBytes $MaxLagBytes -ErrorAction SilentlyContinue -ErrorVariable readErrors)
    $readErrors = @($readErrors | ForEach-Object { "$_" })
}

Describe 'Reading the cluster' -ForEach @(@{ ReadErrors = $readErrors }) {
    It 'reads every node' {
        $ReadErrors | Should -BeNullOrEmpty
    }
}

# One Describe per check, in Test-HaPgCluster's order, with one It per node it ran on.
Describe 'Cluster check <_>' -ForEach @($checks.Name | Select-Object -Unique) {
    It 'passes on <_.Node>' -ForEach @($checks | Where-Object Name -EQ $_) {
        $_.Passed | Should -BeTrue -Because $_.Detail
    }
}

Describe 'Cluster members' {
    BeforeAll {
        Import-Module $(if ($env:HAPG_MODULE_MANIFEST) { $env:HAPG_MODULE_MANIFEST } else { 'HaPg' })
        $inventory = Import-HaPgInventory $InventoryPath -SecretsPath $SecretsPath -WarningAction SilentlyContinue
        $members = @($inventory | Get-HaPgCluster -ErrorAction SilentlyContinue)
        $leaders = @($members | Where-Object Role -In 'leader', 'master', 'primary', 'standby_leader')
        $replicas = @($members | Where-Object { $_ -notin $leaders })
        $databaseNodes = @($inventory.Nodes | Where-Object { $_.Roles -match 'Postgres' } | ForEach-Object Name)
    }

    It 'has every database node as a member' {
        @($members.Member | Sort-Object) | Should -Be @($databaseNodes | Sort-Object)
    }

    It 'has exactly one leader' {
        $leaders.Count | Should -Be 1 -Because "the members are: $($members | ForEach-Object { "$($_.Member) $($_.Role)" })"
    }

    It 'has every other member replicating within the lag bound, on the leader''s timeline' {
        $replicas | Should -Not -BeNullOrEmpty
        foreach ($replica in $replicas) {
            $replica.State | Should -BeIn 'streaming', 'running' -Because "$($replica.Member) must replicate"
            $replica.LagBytes | Should -Not -BeNullOrEmpty -Because "$($replica.Member) must report its lag"
            $replica.LagBytes | Should -BeLessOrEqual $MaxLagBytes -Because "$($replica.Member) lags"
            $replica.Timeline | Should -Be $leaders[0].Timeline -Because "$($replica.Member) follows the leader"
        }
    }

    It 'has HAProxy sending writes (5000) to the leader alone' {
        $leaders[0].HaproxyPrimary | Should -Match ':UP' -Because 'HAProxy must mark the leader UP'
        $leaders[0].HaproxyPrimary | Should -Not -Match ':(?!UP)' -Because 'every HAProxy must mark the leader UP'
        $replicas | Where-Object HaproxyPrimary -Match ':UP' | Should -BeNullOrEmpty -Because 'no replica may take writes'
    }

    It 'has a healthy etcd' {
        $members[0].Etcd | Should -Match '^(\d+)/\1 healthy'
    }

    It 'has no member waiting for a restart' {
        $members | Where-Object PendingRestart | ForEach-Object Member | Should -BeNullOrEmpty
    }
}
