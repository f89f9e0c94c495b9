# Debian 12 stays supported, but its Patroni 3.0.2 can lose acknowledged writes after a partition or a freeze
# (patroni/patroni#2689): HaPg refuses it unless -AllowKnownDataLoss. A smoke on a Debian 12 lab: the refusal before
# Set-HaPgPatroniConfig changes anything, then the pipeline with the switch, every Test-HaPgCluster check, a switchover
# and a crash. The full suite runs on Debian 13.
# Topology: PostgreSQL and etcd on node-1..3, HAProxy on node-4.

BeforeAll {
    Import-Module $env:HAPG_MODULE_MANIFEST -Force
    Import-Module (Join-Path $PSScriptRoot 'HaPgLab.psd1') -Force
    $script:labName = 'bookworm'
    $nodes = New-HaPgLab -Name $labName -NodeCount 4 -Suite bookworm
    $subnet = ($nodes[0].Address -replace '\.\d+$', '.0') + '/24'
    $script:inventory = $nodes |
        Select-Object Name, Address, Port, User, KeyPath, HostKeySha256,
            @{ n = 'Role'; e = { if ($_.Name -eq 'node-4') { 'Haproxy' } else { 'Postgres', 'Etcd' } } } |
        New-HaPgInventory -ClusterName $labName -KnownHostsPath $nodes[0].KnownHostsPath -ClientNetwork $subnet -WarningAction SilentlyContinue
    $script:database = 'node-1', 'node-2', 'node-3'

    # What HaPg would have left on a node: its firewall file, Patroni's config, a running Patroni.
    function Get-Trace([string] $Node) {
        (Invoke-HaPgLabCommand -Lab $labName -Name $Node -Command (
            'for f in /etc/hapg/firewall.nft /etc/patroni/config.yml; do [ -e $f ] && echo $f; done; ' +
            'systemctl is-active --quiet patroni && echo patroni running; true')).Output.Trim()
    }
}

AfterAll {
    Remove-HaPgLab -Name $labName
}

Describe "Debian 12's Patroni 3.0.2" -Tag Lab {
    BeforeAll {
        $inventory | Set-HaPgFirewall | Install-HaPgEtcd |
            Install-HaPgPatroni -WarningVariable installWarnings -WarningAction SilentlyContinue -OutVariable script:installed | Out-Null
        $script:installWarnings = @($installWarnings | ForEach-Object { "$_" } | Where-Object { $_ -match 'patroni/patroni#2689' })
    }

    It 'is installed, with one warning that names every database node' {
        $installed.PatroniVersion | Sort-Object -Unique | Should -Be '3.0.2-1'
        $installed.PostgresVersion | Sort-Object -Unique | Should -Be 15
        $installWarnings.Count | Should -Be 1
        foreach ($node in $database) { $installWarnings[0] | Should -Match "$node \(Patroni 3\.0\.2-1\)" }
    }

    It 'is refused by Set-HaPgPatroniConfig with HaPg.Patroni.KnownDataLoss before any node changes' {
        { $inventory | Set-HaPgPatroniConfig -ErrorAction Stop } |
            Should -Throw -ErrorId 'HaPg.Patroni.KnownDataLoss*' -ExpectedMessage '*node-1 (Patroni 3.0.2-1), node-2 (Patroni 3.0.2-1), node-3 (Patroni 3.0.2-1)*-AllowKnownDataLoss*'
        foreach ($node in $database) { Get-Trace $node | Should -Be '/etc/hapg/firewall.nft' -Because "$node must have no Patroni config" }
    }

    It 'builds a cluster with -AllowKnownDataLoss that passes every Test-HaPgCluster check' {
        $inventory | Set-HaPgPatroniConfig -AllowKnownDataLoss -WarningVariable warned -WarningAction SilentlyContinue -ErrorVariable failed -ErrorAction Continue |
            Install-HaPgHaproxy -ErrorVariable +failed -ErrorAction Continue | Out-Null
        $failed | ForEach-Object { "$_" } | Should -BeNullOrEmpty
        @($warned | Where-Object { "$_" -match 'patroni/patroni#2689' }).Count | Should -Be 1
        $inventory | Test-HaPgCluster | Where-Object { -not $_.Passed } | ForEach-Object { "$_" } | Should -BeNullOrEmpty
    }

    It 'passes Test-HaPgFailover -Scenario <_>' -ForEach 'Switchover', 'Crash' {
        $result = $inventory | Test-HaPgFailover -Scenario $_ -Confirm:$false
        $result.Messages | Where-Object { $_ -notmatch 'expected risk in asynchronous mode|only direct clients could write there' } | Should -BeNullOrEmpty
        $result.Passed | Should -BeTrue
        $result.NewLeader | Should -Not -Be $result.OldLeader
        $result.UnexpectedWrites | Should -Be 0
        $result.SplitBrainObserved | Should -BeFalse
    }
}
