# Issue 10's acceptance in the lab: the HighAvailability layout (PostgreSQL and etcd on node-1..3, HAProxy and keepalived on
# node-4 and node-5, behind a virtual IP), every Test-HaPgCluster check, an idempotent re-run, and the recipe's step 9 (the
# stats page) read in headless Chromium before and after a switchover.

BeforeAll {
    Import-Module $env:HAPG_MODULE_MANIFEST -Force
    Import-Module (Join-Path $PSScriptRoot 'HaPgLab.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot '../browser/HeadlessChromium.psm1') -Force
    $script:labName = 'highavail'
    $nodes = New-HaPgLab -Name $labName -NodeCount 5
    $prefix = $nodes[0].Address -replace '\.\d+$', ''
    $script:vip = "$prefix.50"
    $script:inventory = $nodes | Select-Object Name, Address, Port, User, KeyPath, HostKeySha256 |
        New-HaPgInventory -ClusterName highavail -Layout HighAvailability -VirtualIP "$vip/24" -KnownHostsPath $nodes[0].KnownHostsPath `
            -ClientNetwork "$prefix.0/24" -WarningAction SilentlyContinue
    $script:first = @($inventory | Set-HaPgFirewall | Install-HaPgEtcd | Install-HaPgPatroni | Set-HaPgPatroniConfig |
            Install-HaPgHaproxy -ErrorVariable failed -ErrorAction Continue)
    $script:failed = $failed
    $script:checks = @($inventory | Test-HaPgCluster)

    function Get-KeepalivedPid { foreach ($n in 'node-4', 'node-5') { "${n}: $((Invoke-HaPgLabCommand -Lab $labName -Name $n -Command 'systemctl show -p MainPID --value keepalived haproxy').Output)" } }
    function Get-VipHolder { @(foreach ($n in 'node-4', 'node-5') { if ((Invoke-HaPgLabCommand -Lab $labName -Name $n -Command "ip -o -4 addr show to $vip").Output.Trim()) { $n } }) }
}

AfterAll {
    Remove-HaPgLab -Name $labName
}

Describe 'The HighAvailability layout behind a virtual IP' -Tag Lab {
    It 'gives PostgreSQL and etcd to node-1..3 and HAProxy to node-4 and node-5' {
        $inventory.Nodes.Roles | ForEach-Object { "$_" } | Should -Be @('Postgres, Etcd', 'Postgres, Etcd', 'Postgres, Etcd', 'Haproxy', 'Haproxy')
    }

    It 'installs HAProxy and keepalived on both HAProxy nodes, and exactly one holds the address' {
        $failed | Should -BeNullOrEmpty
        $first.Node | Sort-Object | Should -Be @('node-4', 'node-5')  # in the order the nodes finished
        $first.VirtualIP | Should -Be @("$vip/24", "$vip/24")
        @($first | Where-Object HoldsVirtualIP).Count | Should -Be 1
        Get-VipHolder | Should -Be @(($first | Where-Object HoldsVirtualIP).Node)
    }

    It 'passes every Test-HaPgCluster check, the virtual IP ones included' {
        $checks.Name | Should -Contain 'VipHeldOnce'
        $checks.Name | Should -Contain 'VipServesWrites'
        $checks | Where-Object { -not $_.Passed } | ForEach-Object { "$_" } | Should -BeNullOrEmpty
    }

    It 'admits VRRP from the other HAProxy node only' {
        $rules = Invoke-HaPgLabCommand -Lab $labName -Name node-4 -Command 'nft list table inet hapg'
        $rules.Output | Should -Match "ip saddr $([regex]::Escape(($inventory.Nodes | Where-Object Name -EQ 'node-5').Address)) meta l4proto (vrrp|112) accept"
        $rules.Output | Should -Match 'meta l4proto (vrrp|112) drop'
    }

    It 'keeps keepalived.conf private' {
        (Invoke-HaPgLabCommand -Lab $labName -Name node-5 -Command 'stat -c "%a %U" /etc/keepalived/keepalived.conf').Output.Trim() | Should -Be '600 root'
    }

    It 'lists keepalived in the -WhatIf plan of each HAProxy node, touching nothing' {
        $before = Get-KeepalivedPid
        $plan = @($inventory | Install-HaPgHaproxy -WhatIf 6>$null)
        $plan.Node | Sort-Object | Should -Be @('node-4', 'node-5')
        $plan.Status | ForEach-Object { "$_" } | Should -Be @('WhatIf', 'WhatIf')
        foreach ($node in $plan) {
            ($node.Messages -join "`n") | Should -Match '/etc/keepalived/keepalived.conf'
            ($node.Messages -join "`n") | Should -Match 'keepalived -t'
        }
        Get-KeepalivedPid | Should -Be $before
    }

    It 'changes nothing and restarts nothing on a second run, and the address stays where it is' {
        $before = Get-KeepalivedPid
        $holder = Get-VipHolder
        $second = @($inventory | Set-HaPgFirewall | Install-HaPgHaproxy)
        $second | Where-Object Changed | ForEach-Object { "$($_.Node) $($_.Step): $($_.Messages -join '; ')" } | Should -BeNullOrEmpty
        Get-KeepalivedPid | Should -Be $before
        Get-VipHolder | Should -Be $holder
    }
}

Describe 'Test-HaPgFailover -Scenario <Scenario> on the virtual IP holder' -Tag Lab -ForEach @(
    @{ Scenario = 'HaproxyStop' }
    @{ Scenario = 'HaproxyNodeLoss' }
) {
    BeforeAll {
        $faults = @{}
        if ($Scenario -eq 'HaproxyNodeLoss') {
            $faults = @{ InjectFault = { param($Node) Stop-HaPgLabNode -Lab highavail -Name $Node -Kill }; HealFault = { param($Node) Start-HaPgLabNode -Lab highavail -Name $Node | Out-Null } }
        }
        $script:holder = @(Get-VipHolder)
        $holder.Count | Should -Be 1
        $script:result = $inventory | Test-HaPgFailover -Scenario $Scenario -Confirm:$false @faults -ErrorVariable failures -ErrorAction Continue
        $script:failures = $failures
    }

    It 'faults the holder, and the address moves to the other HAProxy node while the leader stays' {
        $failures | Should -BeNullOrEmpty
        $result.Node | Should -Be $holder[0]
        $result.VirtualIPHolderBefore | Should -Be $holder[0]
        $result.VirtualIPHolderAfter | Should -Not -Be $holder[0]
        $result.VirtualIPHolderAfter | Should -BeIn @('node-4', 'node-5')
        $result.TimeToVirtualIPMove | Should -Not -BeNullOrEmpty
        $result.NewLeader | Should -Be $result.OldLeader
        $result.Events.Kind | Should -Contain 'VirtualIPMoved'
    }

    It 'passes: writes through the address come back, nothing is lost, never on two nodes, the node back' {
        $result.Messages | Where-Object { $_ -notmatch 'expected risk' } | Should -BeNullOrEmpty
        $result.Passed | Should -BeTrue
        $result.WriteDowntime | Should -Not -BeNullOrEmpty
        $result.LostWrites | Should -Be 0
        $result.VirtualIPOnTwoNodes | Should -BeFalse
        $result.OldLeaderRejoined | Should -BeTrue
    }

    It 'leaves the address where it went (no preemption) and the cluster healthy' {
        Get-VipHolder | Should -Be @($result.VirtualIPHolderAfter)
        $inventory | Test-HaPgCluster | Where-Object { -not $_.Passed } | ForEach-Object { "$_" } | Should -BeNullOrEmpty
    }
}

# The recipe's step 9: the reader opens HAProxy's stats page and sees the leader UP on the primary backend.
Describe 'The HAProxy stats page in a browser' -Tag Lab {
    BeforeAll {
        $proxy = $inventory.Nodes | Where-Object Name -EQ 'node-4'
        # The stats page is HTTPS with a certificate of the cluster CA. Chromium does not know that CA: this host checks the
        # served certificate against it (chain and name), and Chromium then trusts exactly that key (its SPKI pin).
        . (Join-Path $PSScriptRoot 'TlsClient.ps1')
        $served = Connect-VerifiedTls $proxy.Address $inventory.Ports.HaproxyStats $inventory.Secrets.CaCertificatePem
        $script:servedChainValid = $served.Valid
        $spki = [Convert]::ToBase64String([Security.Cryptography.SHA256]::HashData($served.Certificate.PublicKey.ExportSubjectPublicKeyInfo()))
        $script:browser = Open-HeadlessChromium -Width 1400 -Height 1200 -ExtraArgument "--ignore-certificate-errors-spki-list=$spki"
        $user = 'hapg'
        $password = [Net.NetworkCredential]::new('', $inventory.Secrets.HaproxyStatsPassword).Password
        $basic = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("${user}:$password"))
        Invoke-ChromiumCommand $browser 'Network.setExtraHTTPHeaders' @{ headers = @{ Authorization = "Basic $basic" } } | Out-Null
        $script:statsUrl = "https://$($proxy.Address):$($inventory.Ports.HaproxyStats)/"
        $script:shots = Join-Path ($env:HAPG_TEST_RESULTS ? $env:HAPG_TEST_RESULTS : $TestDrive) 'screenshots'
        # What the page shows for a backend, as a person reads it: each server's row and its status cell.
        $script:readPrimary = 'JSON.stringify([...document.querySelectorAll("tr")].filter(r => /^(active|backup|maintain)/.test(r.className) && ' +
            'r.querySelector("a[name^=\"primary/\"]")).map(r => ({ server: r.querySelector("a.lfsb").textContent.trim(), ' +
            'up: /^(active|backup)_(up|going_down)/.test(r.className), css: r.className })))'
        function Get-Leader { ($inventory | Get-HaPgCluster | Where-Object Role -EQ 'leader').Member }
    }

    AfterAll {
        Close-HeadlessChromium $browser
    }

    It 'shows the leader UP on the primary backend and every other server DOWN, over HTTPS' {
        $servedChainValid | Should -BeTrue
        Open-ChromiumPage $browser $statsUrl | Out-Null
        $rows = @(Get-ChromiumValue $browser $readPrimary | ConvertFrom-Json)
        $rows.server | Sort-Object | Should -Be @('node-1', 'node-2', 'node-3')
        @($rows | Where-Object up).server | Should -Be @(Get-Leader)
        Save-ChromiumScreenshot $browser (Join-Path $shots 'haproxy-stats-before.png') | Out-Null
    }

    It 'shows the new leader UP after a switchover' {
        $old = Get-Leader
        $switch = $inventory | Invoke-HaPgSwitchover -Confirm:$false
        $switch.NewLeader | Should -Not -Be $old
        # HAProxy marks the new leader UP within a check interval; the page is read again until it says so (or 30 s).
        $deadline = (Get-Date).AddSeconds(30)
        do {
            Start-Sleep -Milliseconds 500
            Open-ChromiumPage $browser $statsUrl | Out-Null
            $up = @(@(Get-ChromiumValue $browser $readPrimary | ConvertFrom-Json) | Where-Object up).server
        } until (($up.Count -eq 1 -and $up[0] -eq $switch.NewLeader) -or (Get-Date) -gt $deadline)
        $up | Should -Be @($switch.NewLeader)
        $shot = Save-ChromiumScreenshot $browser (Join-Path $shots 'haproxy-stats-after-switchover.png')
        (Measure-PngInk $shot.FullName).Ink | Should -BeGreaterThan 0.05
    }
}
