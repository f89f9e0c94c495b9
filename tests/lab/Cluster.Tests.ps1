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

    # psql from this host (the client network), as the application role over TLS verified against the cluster CA, or with
    # -User/-SslMode/-Password as given. Passwords come from the inventory and are never printed.
    function Invoke-Psql($Inventory, [string] $Address, [int] $Port, [string] $Sql, [string] $User = 'hapg_app', [string] $SslMode = 'verify-full',
        [securestring] $Password = $Inventory.Secrets.ApplicationPassword) {
        $ca = Join-Path ([IO.Path]::GetTempPath()) "hapg-test-ca-$($Inventory.ClusterName).crt"
        Set-Content -LiteralPath $ca -Value $Inventory.Secrets.CaCertificatePem -NoNewline
        $env:PGPASSWORD = [Net.NetworkCredential]::new('', $Password).Password
        try {
            psql -X -q -t -A -w "host=$Address port=$Port dbname=postgres user=$User sslmode=$SslMode sslrootcert=$ca connect_timeout=5" -c $Sql 2>&1
        }
        finally {
            Remove-Item Env:PGPASSWORD
        }
    }

    # What a plaintext HTTP request to Address:Port gets back, sent from inside lab node From (bash's /dev/tcp; empty: nothing).
    function Send-Plaintext([string] $Lab, [string] $From, [string] $Address, [int] $Port) {
        $probe = "timeout 3 bash -c 'exec 3<>/dev/tcp/$Address/$Port && printf `"GET / HTTP/1.0\r\n\r\n`" >&3 && head -c 120 <&3' 2>/dev/null | tr -c '[:print:]' ' '"
        ((Invoke-HaPgLabCommand -Lab $Lab -Name $From -Command $probe).Output -join '').Trim()
    }

    # Runs a python3 script on a lab node (passed as base64, so no quoting gets in the way); returns its output.
    function Invoke-NodePython([string] $Lab, [string] $Name, [string] $Script) {
        $b64 = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Script))
        ((Invoke-HaPgLabCommand -Lab $Lab -Name $Name -Command "echo $b64 | base64 -d | python3 - 2>&1").Output -join "`n").Trim()
    }

    . (Join-Path $PSScriptRoot 'TlsClient.ps1')
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

    Context 'TLS and authentication on every port' {
        BeforeAll {
            $script:etcdNodes = @($inventory.Nodes | Where-Object { $_.Roles -match 'Etcd' })
            $script:db = $database[0]
            $script:otherDb = $database[1]
            # From a database node: an HTTPS GET verified against the cluster CA, optionally with a client certificate.
            $script:httpsGet = @'
import ssl, sys, urllib.request
ctx = ssl.create_default_context(cafile='/etc/hapg/tls/ca.crt')
if len(sys.argv) > 2: ctx.load_cert_chain(sys.argv[2], sys.argv[3])
try: print(urllib.request.urlopen(sys.argv[1], timeout=5, context=ctx).status)
except Exception as e: print('refused', type(e).__name__, e)
'@
            function Get-FromNode([string] $Name, [string] $Url, [string] $Cert, [string] $Key) {
                $b64 = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($httpsGet))
                ((Invoke-HaPgLabCommand -Lab $labName -Name $Name -Command "echo $b64 | base64 -d > /tmp/hapg-get.py; python3 /tmp/hapg-get.py '$Url' $Cert $Key 2>&1").Output -join ' ').Trim()
            }
        }

        It 'refuses plaintext on 5432 and 7000 from the client network, on 2379 and 8008 from a database node, and on 2380 from an etcd member' {
            Invoke-Psql $inventory $db.Address 5432 'select 1' -SslMode disable | Should -Match 'no encryption'
            $client = [Net.Sockets.TcpClient]::new($proxy.Address, $inventory.Ports.HaproxyStats)
            try {
                $stream = $client.GetStream(); $stream.ReadTimeout = 3000
                $request = [Text.Encoding]::ASCII.GetBytes("GET / HTTP/1.0`r`n`r`n"); $stream.Write($request, 0, $request.Length)
                $buffer = [byte[]]::new(64)
                $read = try { $stream.Read($buffer, 0, 64) } catch { 0 }
                [Text.Encoding]::ASCII.GetString($buffer, 0, $read) | Should -Not -Match '^HTTP/'
            }
            finally { $client.Dispose() }
            foreach ($member in $etcdNodes) {
                Send-Plaintext $labName $db.Name $member.Address $inventory.Ports.EtcdClient | Should -Match '^$|HTTPS server'
                Send-Plaintext $labName $etcdNodes[0].Name $member.Address $inventory.Ports.EtcdPeer | Should -Match '^$|HTTPS server'
            }
            Send-Plaintext $labName $otherDb.Name $db.Address $inventory.Ports.PatroniRest | Should -Be ''
        }

        It 'serves the same ports over TLS, verified by the cluster CA and the name dialled' {
            Invoke-Psql $inventory $db.Address 5432 'select 1' | Should -Be '1'
            Invoke-Psql $inventory $proxy.Address $inventory.Ports.HaproxyPrimary 'select ssl from pg_stat_ssl where pid = pg_backend_pid()' | Should -Be 't'
            $stats = Connect-VerifiedTls $proxy.Address $inventory.Ports.HaproxyStats $inventory.Secrets.CaCertificatePem -Get
            $stats.Valid | Should -BeTrue
            $stats.StatusLine | Should -Match '^HTTP/1\.[01] 401'
            foreach ($member in $etcdNodes) {
                Get-FromNode $db.Name "https://$($member.Address):$($inventory.Ports.EtcdClient)/health" /etc/hapg/tls/postgres.crt /etc/hapg/tls/postgres.key |
                    Should -Be '200'
            }
            Get-FromNode $otherDb.Name "https://$($db.Address):$($inventory.Ports.PatroniRest)/health" | Should -Be '200'
            # Peers: every member's peer URL is https, and all are healthy (they talk to each other only over TLS).
            $peers = (Invoke-HaPgLabCommand -Lab $labName -Name $etcdNodes[0].Name -Command 'grep ^ETCD_INITIAL_CLUSTER= /etc/default/etcd').Output
            $peers | Should -Match 'https://'
            $peers | Should -Not -Match 'http://'
        }

        It 'refuses an etcd client certificate from another CA, and a client without one' {
            $dir = Join-Path $TestDrive 'other-ca'
            New-Item -ItemType Directory $dir -Force | Out-Null
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/ca.key" -out "$dir/ca.crt" -days 2 -subj '/CN=other CA' 2>&1 | Out-Null
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/client.key" -out "$dir/client.csr" -subj "/CN=$($db.Name)" 2>&1 | Out-Null
            Set-Content "$dir/ext" "subjectAltName=IP:$($db.Address),DNS:$($db.Name)`nextendedKeyUsage=clientAuth"
            openssl x509 -req -in "$dir/client.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -out "$dir/client.crt" -days 2 -extfile "$dir/ext" 2>&1 | Out-Null
            $certificate = Get-Content -Raw "$dir/client.crt"
            $key = Get-Content -Raw "$dir/client.key"
            Invoke-HaPgLabCommand -Lab $labName -Name $db.Name -Command "cat > /tmp/other.crt <<'EOF'`n$certificate`nEOF`ncat > /tmp/other.key <<'EOF'`n$key`nEOF" | Out-Null
            $url = "https://$($etcdNodes[0].Address):$($inventory.Ports.EtcdClient)/health"
            Get-FromNode $db.Name $url /tmp/other.crt /tmp/other.key | Should -Match '^refused'
            Get-FromNode $db.Name $url | Should -Match '^refused'
        }

        It 'refuses the superuser from the client network and through HAProxy, and lets the application role in' {
            $superuser = $inventory.Secrets.SuperuserPassword
            Invoke-Psql $inventory $db.Address 5432 'select 1' -User postgres -Password $superuser | Should -Match 'pg_hba.conf rejects connection'
            Invoke-Psql $inventory $proxy.Address $inventory.Ports.HaproxyPrimary 'select 1' -User postgres -Password $superuser | Should -Match 'pg_hba.conf rejects connection'
            Invoke-Psql $inventory $proxy.Address $inventory.Ports.HaproxyPrimary 'select rolsuper from pg_roles where rolname = current_user' | Should -Be 'f'
        }

        It 'reports TlsOnly, EtcdClientAuth, RestApiAuth, SuperuserNotFromClients and CertificateExpiry as passed, each naming its node' {
            foreach ($name in 'TlsOnly', 'EtcdClientAuth', 'RestApiAuth', 'SuperuserNotFromClients', 'CertificateExpiry') {
                $found = @($checks | Where-Object Name -EQ $name)
                $found.Count | Should -BeGreaterThan 0 -Because $name
                $found | Where-Object { -not $_.Passed -or $_.Node -notin $inventory.Nodes.Name } | ForEach-Object { "$_" } | Should -BeNullOrEmpty
            }
            @($checks | Where-Object Name -EQ 'TlsOnly').Count | Should -Be $inventory.Nodes.Count
        }
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
