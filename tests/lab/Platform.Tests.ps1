# Every installing cmdlet reads each node's release and apt's versions from the node itself, and refuses, before any node
# changes, a release HaPg does not support or database nodes that would run two PostgreSQL majors. Three fresh lab nodes
# (Debian 13, every role on each), made to look like other platforms: node-3's os-release rewritten, or a postgresql
# package of another major registered on it.

BeforeAll {
    Import-Module $env:HAPG_MODULE_MANIFEST -Force
    Import-Module (Join-Path $PSScriptRoot 'HaPgLab.psd1') -Force
    $script:labName = 'platform'
    $nodes = New-HaPgLab -Name $labName -NodeCount 3
    $subnet = ($nodes[0].Address -replace '\.\d+$', '.0') + '/24'
    $script:inventory = $nodes | New-HaPgInventory -ClusterName $labName -KnownHostsPath $nodes[0].KnownHostsPath -ClientNetwork $subnet `
        -WarningAction SilentlyContinue

    # What a cmdlet would have left on a node: HaPg's firewall or createcluster file, or any package it installs.
    function Get-Trace([string] $Node) {
        (Invoke-HaPgLabCommand -Lab $labName -Name $Node -Command (
            'for f in /etc/hapg/firewall.nft /etc/postgresql-common/createcluster.d/hapg.conf; do [ -e $f ] && echo $f; done; ' +
            "dpkg-query -W -f '`${Package} `${db:Status-Abbrev}\n' nftables patroni etcd-server haproxy 2>/dev/null | grep ' ii' ; true")).Output.Trim()
    }
}

AfterAll {
    Remove-HaPgLab -Name $labName
}

Describe 'Platform checks before any change' -Tag Lab {
    It 'refuses a node on Debian 11 with HaPg.Platform.Unsupported, naming it and what it runs, and touches no node' {
        # /etc/os-release is a link to /usr/lib/os-release: sed -i replaces the link, and ln brings it back.
        Invoke-HaPgLabCommand -Lab $labName -Name node-3 -Command "sed -i 's/^VERSION_ID=.*/VERSION_ID=`"11`"/' /etc/os-release" | Out-Null
        try {
            { $inventory | Set-HaPgFirewall -ErrorAction Stop } |
                Should -Throw -ErrorId 'HaPg.Platform.Unsupported*' -ExpectedMessage 'node-3 runs debian 11. HaPg supports Debian 12, Debian 13, Ubuntu 22.04, Ubuntu 24.04*'
        }
        finally {
            Invoke-HaPgLabCommand -Lab $labName -Name node-3 -Command 'ln -sf ../usr/lib/os-release /etc/os-release' | Out-Null
        }
        foreach ($node in $inventory.Nodes.Name) { Get-Trace $node | Should -BeNullOrEmpty -Because "$node must be untouched" }
    }

    It 'refuses database nodes that would run two PostgreSQL majors with HaPg.Platform.Mismatch, and installs nothing' {
        # A postgresql package of major 15 registered on node-3 alone, as a Debian 12 node would have it.
        $register = 'set -e; d=$(mktemp -d); mkdir $d/DEBIAN; ' +
            'printf "Package: postgresql\nVersion: 15+999\nArchitecture: all\nMaintainer: lab\nDescription: lab stand-in\n" > $d/DEBIAN/control; ' +
            'dpkg-deb -b $d /tmp/pg15.deb >/dev/null; dpkg -i /tmp/pg15.deb >/dev/null; rm -rf $d /tmp/pg15.deb'
        (Invoke-HaPgLabCommand -Lab $labName -Name node-3 -Command $register).ExitCode | Should -Be 0
        try {
            { $inventory | Install-HaPgPatroni -ErrorAction Stop } |
                Should -Throw -ErrorId 'HaPg.Platform.Mismatch*' -ExpectedMessage '*PostgreSQL 15 on node-3 (debian 13); PostgreSQL 17 on node-1 (debian 13), node-2 (debian 13)*'
        }
        finally {
            Invoke-HaPgLabCommand -Lab $labName -Name node-3 -Command 'dpkg -P postgresql >/dev/null' | Out-Null
        }
        foreach ($node in $inventory.Nodes.Name) { Get-Trace $node | Should -BeNullOrEmpty -Because "$node must be untouched" }
    }

    It 'lets the same nodes through once they are what they claim: the firewall step changes every node' {
        $results = $inventory | Set-HaPgFirewall -ErrorVariable failed -ErrorAction Continue
        $failed | ForEach-Object { "$_" } | Should -BeNullOrEmpty
        @($results | Where-Object Changed).Count | Should -Be 3
    }
}
