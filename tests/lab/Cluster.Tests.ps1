# Issue 4's acceptance: from fresh lab nodes, the HaPg pipeline builds a verified cluster, in two topologies.
# Needs root and systemd-nspawn (the lab); each topology gets its own lab.

BeforeDiscovery {
    $topologies = @(
        @{
            Name        = 'recipe'
            Description = "the recipe's layout: PostgreSQL on node-1..3, one etcd member on node-4, HAProxy on node-5, as root"
            NodeCount   = 5
            EtcdMembers = 1
            AsAdmin     = $false
        }
        @{
            Name        = 'etcd3'
            Description = 'three etcd members on node-1..3 with PostgreSQL, HAProxy on node-4, as a sudo user (node-2 sudo needs a password)'
            NodeCount   = 4
            EtcdMembers = 3
            AsAdmin     = $true
        }
    )
}

BeforeAll {
    Import-Module $env:HAPG_MODULE_MANIFEST -Force
    Import-Module (Join-Path $PSScriptRoot 'HaPgLab.psd1') -Force

    # The whole pipeline; returns every cmdlet's results and every error any of them wrote.
    function Invoke-Pipeline($Inventory) {
        $Inventory |
            Set-HaPgFirewall -OutVariable firewall -ErrorVariable +failed -ErrorAction Continue |
            Install-HaPgEtcd -OutVariable etcd -ErrorVariable +failed -ErrorAction Continue |
            Install-HaPgPatroni -OutVariable patroni -ErrorVariable +failed -ErrorAction Continue |
            Set-HaPgPatroniConfig -OutVariable config -ErrorVariable +failed -ErrorAction Continue |
            Install-HaPgHaproxy -OutVariable haproxy -ErrorVariable +failed -ErrorAction Continue | Out-Null
        [pscustomobject]@{
            Results = @($firewall) + @($etcd) + @($patroni) + @($config) + @($haproxy)
            Errors  = @($failed | ForEach-Object { "$_" })
        }
    }

    # Main PIDs of every HaPg-managed service and the postmaster: a restart changes one of them.
    function Get-ServicePid([string] $Lab, $Nodes, [string] $Cluster) {
        foreach ($node in $Nodes) {
            $script = 'for u in patroni etcd haproxy hapg-firewall; do printf "%s=%s " $u "$(systemctl show -p MainPID --value $u)"; done; ' +
                "printf 'postmaster=%s' `"`$(head -1 /var/lib/postgresql/*/$Cluster/postmaster.pid 2>/dev/null)`""
            "$($node.Name): $((Invoke-HaPgLabCommand -Lab $Lab -Name $node.Name -Command $script).Output)"
        }
    }

    # psql from this host, through HAProxy, as the cluster's superuser (password from the inventory, never printed).
    function Invoke-Psql($Inventory, [string] $HaproxyAddress, [int] $Port, [string] $Sql) {
        $env:PGPASSWORD = [Net.NetworkCredential]::new('', $Inventory.Secrets.SuperuserPassword).Password
        try {
            psql -X -q -t -A -h $HaproxyAddress -p $Port -U postgres -d postgres -c $Sql 2>&1
        }
        finally {
            Remove-Item Env:PGPASSWORD
        }
    }
}

Describe 'The cluster pipeline in <Description>' -Tag Lab -ForEach $topologies {
    BeforeAll {
        $script:labName = $Name
        $nodes = New-HaPgLab -Name $Name -NodeCount $NodeCount
        $subnet = ($nodes[0].Address -replace '\.\d+$', '.0') + '/24'
        $properties = @('Name', 'Address', 'Port', 'KeyPath', 'HostKeySha256',
            @{ n = 'User'; e = { if ($AsAdmin) { $_.AdminUser } else { $_.User } } },
            @{ n = 'NodeSudo'; e = { if (-not $AsAdmin) { 'None' } elseif ($_.AdminSudoRequiresPassword) { 'Password' } else { 'Passwordless' } } })
        if ($EtcdMembers -eq 3) {
            # Without roles, five nodes get the recipe's layout; here etcd runs beside PostgreSQL.
            $properties += @{ n = 'Role'; e = { if ($_.Name -eq 'node-4') { 'Haproxy' } else { 'Postgres', 'Etcd' } } }
        }
        $nodeInput = $nodes | Select-Object $properties
        $sudoPassword = ($nodes | Where-Object AdminSudoRequiresPassword | Select-Object -First 1).AdminSudoPassword
        $script:inventory = $nodeInput | New-HaPgInventory -ClusterName $Name -KnownHostsPath $nodes[0].KnownHostsPath `
            -ClientNetwork $subnet -SudoPassword $sudoPassword -WarningAction SilentlyContinue
        $script:database = @($inventory.Nodes | Where-Object { $_.Roles -match 'Postgres' })
        $script:proxy = @($inventory.Nodes | Where-Object { $_.Roles -match 'Haproxy' })[0]

        $script:first = Invoke-Pipeline $inventory
        $script:installed = @($first.Results | Where-Object Step -EQ 'Install-HaPgPatroni')
        $script:postgresMajor = $installed[0].PostgresVersion
        $script:checks = $inventory | Test-HaPgCluster
        $script:members = $inventory | Get-HaPgCluster
    }

    AfterAll {
        Remove-HaPgLab -Name $labName
    }

    It 'succeeds on every node of every step, without errors' {
        $first.Errors | Should -BeNullOrEmpty
        $first.Results.Count | Should -Be ($inventory.Nodes.Count + $EtcdMembers + 3 + 3 + 1)
        $first.Results | Where-Object Status -NE 'Succeeded' | Should -BeNullOrEmpty
        $first.Results | Where-Object { -not $_.Changed } | Should -BeNullOrEmpty
    }

    It "runs Debian 13's PostgreSQL 17 and Patroni 4 on every database node, as Install-HaPgPatroni reports" {
        $installed.Count | Should -Be 3
        $installed.PostgresVersion | Sort-Object -Unique | Should -Be 17
        $installed | ForEach-Object { [version]($_.PatroniVersion -replace '-.*$') | Should -BeGreaterOrEqual ([version]'4.0') }
    }

    It 'has one leader and two streaming replicas; pg_stat_replication on the leader shows 2 streaming' {
        @($members | Where-Object Role -EQ 'leader').Count | Should -Be 1
        @($members | Where-Object Role -NE 'leader').Count | Should -Be 2
        $leader = ($members | Where-Object Role -EQ 'leader').Member
        $count = Invoke-HaPgLabCommand -Lab $labName -Name $leader -Command `
            "runuser -u postgres -- psql -X -t -A -h /var/run/postgresql -c `"select count(*) from pg_stat_replication where state = 'streaming'`""
        $count.Output.Trim() | Should -Be '2'
    }

    It 'reads back through 5001, from a replica, a row written through 5000' {
        $marker = [guid]::NewGuid().ToString('N')
        Invoke-Psql $inventory $proxy.Address 5000 "create table if not exists hapg_acceptance(v text); insert into hapg_acceptance values ('$marker')" |
            Out-Null
        $deadline = (Get-Date).AddSeconds(60)
        do {
            $read = Invoke-Psql $inventory $proxy.Address 5001 "select pg_is_in_recovery(), count(*) from hapg_acceptance where v = '$marker'"
            if ($read -eq 't|1') { break }
            Start-Sleep -Milliseconds 300
        } while ((Get-Date) -lt $deadline)
        $read | Should -Be 't|1'
        Invoke-Psql $inventory $proxy.Address 5000 'drop table hapg_acceptance' | Out-Null
    }

    It 'has exactly one server UP on 5000 in HAProxy: the leader' {
        $up = @($members | Where-Object { $_.HaproxyPrimary -match ':UP' })
        $up.Count | Should -Be 1
        $up[0].Role | Should -Be 'leader'
    }

    It 'has a healthy etcd with <EtcdMembers> member(s)' {
        $members[0].Etcd | Should -BeLike "$EtcdMembers/$EtcdMembers healthy*"
    }

    It 'passes every Test-HaPgCluster check' {
        $checks.Count | Should -BeGreaterThan 10
        $checks | Where-Object { -not $_.Passed } | ForEach-Object { "$_" } | Should -BeNullOrEmpty
    }

    It 'changes nothing and restarts nothing on a second run' {
        $before = Get-ServicePid $labName $inventory.Nodes $Name
        $second = Invoke-Pipeline $inventory
        $second.Errors | Should -BeNullOrEmpty
        $second.Results.Count | Should -Be $first.Results.Count
        $second.Results | Where-Object Status -NE 'Succeeded' | Should -BeNullOrEmpty
        $second.Results | Where-Object Changed | ForEach-Object { "$($_.Node) $($_.Step): $($_.Messages -join '; ')" } | Should -BeNullOrEmpty
        Get-ServicePid $labName $inventory.Nodes $Name | Should -Be $before
    }

    It 'brings a database node back as a streaming replica after a cold stop and start, with no distro PostgreSQL on 5432' {
        $replica = ($inventory | Get-HaPgCluster | Where-Object Role -NE 'leader' | Select-Object -First 1).Member
        Stop-HaPgLabNode -Lab $labName -Name $replica -Kill
        Start-HaPgLabNode -Lab $labName -Name $replica | Out-Null
        $deadline = (Get-Date).AddSeconds(180)
        do {
            Start-Sleep -Seconds 2
            $streaming = $inventory | Test-HaPgCluster -Node $replica -ErrorAction SilentlyContinue |
                Where-Object Name -EQ 'ReplicaStreaming'
        } while (-not $streaming.Passed -and (Get-Date) -lt $deadline)
        $streaming.Passed | Should -BeTrue

        # Whoever listens on 5432 runs from Patroni's data directory, not the distro's <major>/main.
        $owner = Invoke-HaPgLabCommand -Lab $labName -Name $replica -Command `
            "pid=`$(ss -Hltnp 'sport = :5432' | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2); readlink /proc/`$pid/cwd"
        $owner.Output.Trim() | Should -Be "/var/lib/postgresql/$postgresMajor/$Name"
        ($inventory | Test-HaPgCluster -Node $replica | Where-Object Name -EQ 'DistroPostgresDisabled').Passed | Should -BeTrue
    }
}
