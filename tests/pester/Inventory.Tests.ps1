# New-, Export- and Import-HaPgInventory against the built module. No host is contacted: the addresses are TEST-NET-1.

BeforeAll {
    Import-Module $env:HAPG_MODULE_MANIFEST -Force
    $key = Join-Path $TestDrive 'id_ed25519'
    Set-Content $key 'the inventory only checks that the key file exists'

    function New-LabNode([int] $Index) {
        [pscustomobject]@{
            Name = "node-$Index"; Address = "192.0.2.1$Index"; Port = 22; User = 'root'; KeyPath = $key
            HostKeySha256 = 'SHA256:' + ('B' * 43); Container = "hapg-$Index"; Memory = '512M'
        }
    }

    function Get-InventoryError([scriptblock] $Script) {
        try { & $Script; $null } catch { $_ }
    }
}

Describe 'New-HaPgInventory' {
    It 'builds one node per piped object, by property name, ignoring extra properties' {
        $inventory = 1..5 | ForEach-Object { New-LabNode $_ } | New-HaPgInventory -ClusterName pg -KnownHostsPath (Join-Path $TestDrive kh)
        $inventory.Nodes.Name | Should -Be @('node-1', 'node-2', 'node-3', 'node-4', 'node-5')
        $inventory.Nodes.Address | Should -Be @('192.0.2.11', '192.0.2.12', '192.0.2.13', '192.0.2.14', '192.0.2.15')
        $inventory.Nodes | ForEach-Object { $_.HostKeySha256 | Should -Be ('SHA256:' + ('B' * 43)) }
        $inventory.KnownHostsPath | Should -Be (Join-Path $TestDrive kh)
    }

    It 'gives five role-less nodes the classic layout' {
        $inventory = 1..5 | ForEach-Object { New-LabNode $_ } | New-HaPgInventory -ClusterName pg -WarningAction SilentlyContinue
        @($inventory.NodesWithRole('Postgres').Name) | Should -Be @('node-1', 'node-2', 'node-3')
        @($inventory.NodesWithRole('Etcd').Name) | Should -Be @('node-4')
        @($inventory.NodesWithRole('Haproxy').Name) | Should -Be @('node-5')
    }

    It 'gives three role-less nodes every role' {
        $inventory = 1..3 | ForEach-Object { New-LabNode $_ } | New-HaPgInventory -ClusterName pg
        # Engine types live in an isolated load context: PowerShell cannot name them as [type], so compare text.
        $inventory.Nodes.Roles | ForEach-Object { "$_" | Should -Be 'Postgres, Etcd, Haproxy' }
    }

    It 'accepts any layout that satisfies the rules' {
        $inventory = New-HaPgInventory -ClusterName pg -Node @(
            @{ Name = 'db1'; Address = '192.0.2.1'; KeyPath = $key; Role = 'Postgres', 'Etcd' }
            @{ Name = 'db2'; Address = '192.0.2.2'; KeyPath = $key; Role = 'Postgres', 'Etcd' }
            @{ Name = 'lb1'; Address = '192.0.2.3'; KeyPath = $key; Role = 'Etcd', 'Haproxy' }
            @{ Name = 'lb2'; Address = '192.0.2.4'; KeyPath = $key; Role = 'Haproxy' })
        @($inventory.NodesWithRole('Haproxy').Name) | Should -Be @('lb1', 'lb2')
        @($inventory.NodesWithRole('Etcd')).Count | Should -Be 3
    }

    It 'warns, naming the members, when etcd has an even number of members' {
        $warnings = @(New-HaPgInventory -Node @(
                @{ Name = 'a'; Address = '192.0.2.1'; KeyPath = $key; Role = 'Postgres', 'Etcd', 'Haproxy' }
                @{ Name = 'b'; Address = '192.0.2.2'; KeyPath = $key; Role = 'Postgres', 'Etcd' }) 3>&1 |
                Where-Object { $_ -is [System.Management.Automation.WarningRecord] -and $_.Message -match 'even number' })
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -Match 'even number of members \(a, b\)'
    }

    It 'warns once, naming every node, when etcd shares nodes with PostgreSQL' {
        $warnings = @(New-HaPgInventory -Node @(
                @{ Name = 'a'; Address = '192.0.2.1'; KeyPath = $key; Role = 'Postgres', 'Etcd', 'Haproxy' }
                @{ Name = 'b'; Address = '192.0.2.2'; KeyPath = $key; Role = 'Postgres', 'Etcd' }
                @{ Name = 'c'; Address = '192.0.2.3'; KeyPath = $key; Role = 'Postgres', 'Etcd' }) 3>&1 |
                Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -Match '^etcd shares nodes with PostgreSQL \(a, b, c\):.*etcd-io/etcd#15247'
    }

    It 'rejects <Case> with <Id>, naming <Mentions>' -ForEach @(
        @{ Case = 'a duplicate name'; Id = 'HaPg.Inventory.DuplicateNodeName'; Mentions = "Node 'a'"; Nodes = @(@{ Name = 'a'; Address = '192.0.2.1' }, @{ Name = 'a'; Address = '192.0.2.2' }) }
        @{ Case = 'a duplicate address'; Id = 'HaPg.Inventory.DuplicateAddress'; Mentions = "Node 'b'"; Nodes = @(@{ Name = 'a'; Address = '192.0.2.1' }, @{ Name = 'b'; Address = '192.0.2.1' }) }
        @{ Case = 'a bad address'; Id = 'HaPg.Inventory.InvalidAddress'; Mentions = "Node 'b'"; Nodes = @(@{ Name = 'a'; Address = '192.0.2.1' }, @{ Name = 'b'; Address = '192.0.2.256' }) }
        @{ Case = 'a bad node name'; Id = 'HaPg.Inventory.InvalidNodeName'; Mentions = "name 'a b'"; Nodes = @(@{ Name = 'a b'; Address = '192.0.2.1' }, @{ Name = 'b'; Address = '192.0.2.2' }) }
        @{ Case = 'a bad SSH port'; Id = 'HaPg.Inventory.InvalidPort'; Mentions = "Node 'a'"; Nodes = @(@{ Name = 'a'; Address = '192.0.2.1'; Port = 70000 }, @{ Name = 'b'; Address = '192.0.2.2' }) }
        @{ Case = 'one Postgres node'; Id = 'HaPg.Inventory.TooFewPostgresNodes'; Mentions = '(a)'; Nodes = @(@{ Name = 'a'; Address = '192.0.2.1'; Role = 'Postgres', 'Etcd' }, @{ Name = 'b'; Address = '192.0.2.2'; Role = 'Haproxy' }) }
        @{ Case = 'no etcd member'; Id = 'HaPg.Inventory.NoEtcdMember'; Mentions = "'hapg'"; Nodes = @(@{ Name = 'a'; Address = '192.0.2.1'; Role = 'Postgres' }, @{ Name = 'b'; Address = '192.0.2.2'; Role = 'Postgres', 'Haproxy' }) }
        @{ Case = 'no HAProxy'; Id = 'HaPg.Inventory.NoHaproxyNode'; Mentions = "'hapg'"; Nodes = @(@{ Name = 'a'; Address = '192.0.2.1'; Role = 'Postgres', 'Etcd' }, @{ Name = 'b'; Address = '192.0.2.2'; Role = 'Postgres' }) }
        @{ Case = 'SSH on the PostgreSQL port'; Id = 'HaPg.Inventory.PortConflict'; Mentions = "Node 'a': SSH and PostgreSQL would all listen on port 5432"; Nodes = @(@{ Name = 'a'; Address = '192.0.2.1'; Port = 5432 }, @{ Name = 'b'; Address = '192.0.2.2' }) }
        @{ Case = 'a missing key file'; Id = 'HaPg.Inventory.KeyFileNotFound'; Mentions = "Node 'b'"; Nodes = @(@{ Name = 'a'; Address = '192.0.2.1' }, @{ Name = 'b'; Address = '192.0.2.2'; KeyPath = 'TestDrive:/missing' }) }
        @{ Case = 'a malformed host key'; Id = 'HaPg.Inventory.InvalidHostKey'; Mentions = "Node 'a'"; Nodes = @(@{ Name = 'a'; Address = '192.0.2.1'; HostKeySha256 = 'MD5:aa:bb' }, @{ Name = 'b'; Address = '192.0.2.2' }) }
    ) {
        $nodes = foreach ($n in $Nodes) { $copy = $n.Clone(); if (-not $copy.KeyPath) { $copy.KeyPath = $key }; $copy }
        $failure = Get-InventoryError { New-HaPgInventory -Node $nodes }
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $failure.Exception.Message | Should -BeLike "*$Mentions*"
    }

    It 'rejects <Case> with <Id>' -ForEach @(
        @{ Case = 'an unsafe cluster name'; Id = 'HaPg.Inventory.InvalidClusterName'; Arguments = @{ ClusterName = 'pg;rm' } }
        @{ Case = 'a client network with host bits'; Id = 'HaPg.Inventory.InvalidClientNetwork'; Arguments = @{ ClientNetwork = '10.1.2.3/16' } }
        @{ Case = 'a client network of every address'; Id = 'HaPg.Inventory.ClientNetworkTooBroad'; Arguments = @{ ClientNetwork = '0.0.0.0/0' } }
        @{ Case = 'PostgreSQL 9'; Id = 'HaPg.Inventory.InvalidPostgresVersion'; Arguments = @{ PostgresVersion = 9 } }
        @{ Case = 'a port out of range'; Id = 'HaPg.Inventory.InvalidPort'; Arguments = @{ HaproxyStatsPort = 0 } }
        @{ Case = 'HAProxy on the PostgreSQL port'; Id = 'HaPg.Inventory.PortConflict'; Arguments = @{ HaproxyPrimaryPort = 5432 } }
    ) {
        $failure = Get-InventoryError { 1..3 | ForEach-Object { New-LabNode $_ } | New-HaPgInventory @Arguments }
        $failure.FullyQualifiedErrorId | Should -BeLike "$Id,*"
    }
}

Describe 'Export-HaPgInventory and Import-HaPgInventory' {
    BeforeAll {
        $sudo = ConvertTo-SecureString 'sudo-password-never-on-disk' -AsPlainText -Force
        $inventory = 1..5 | ForEach-Object { New-LabNode $_ } |
            New-HaPgInventory -ClusterName pg -ClientNetwork 192.0.2.0/24 -PostgresVersion 15 -SudoPassword $sudo -WarningAction SilentlyContinue
        $path = Join-Path $TestDrive 'pg.yaml'
        $secretsPath = Join-Path $TestDrive 'pg.secrets.yaml'
        $inventory | Export-HaPgInventory -Path $path -SecretsPath $secretsPath
        $yaml = Get-Content $path -Raw
        $secrets = 'SuperuserPassword', 'ReplicationPassword', 'RewindPassword', 'RestApiPassword', 'HaproxyStatsPassword' |
            ForEach-Object { [pscredential]::new('x', $inventory.Secrets.$_).GetNetworkCredential().Password }
    }

    It 'writes camelCase keys and roles as a list' {
        $yaml | Should -Match '(?m)^clusterName: pg$'
        $yaml | Should -Match '(?m)^postgresVersion: 15$'
        $yaml | Should -Match '(?m)^  roles: \[Postgres\]$'
        $yaml | Should -Match '(?m)^  hostKeySha256: SHA256:B{43}$'
    }

    It 'keeps every secret out of the inventory file' {
        $secrets.Count | Should -Be 5
        foreach ($secret in $secrets) { $yaml | Should -Not -BeLike "*$secret*" }
        $yaml | Should -Not -BeLike '*sudo-password-never-on-disk*'
    }

    It 'writes the secrets file with mode 0600' -Skip:$IsWindows {
        (Get-Item $secretsPath).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
        foreach ($secret in $secrets) { Get-Content $secretsPath -Raw | Should -BeLike "*$secret*" }
    }

    It 'reads back the same inventory and secrets' {
        $back = Import-HaPgInventory $path -SecretsPath $secretsPath -SudoPassword $sudo
        $back.ClusterName | Should -Be 'pg'
        $back.PostgresVersion | Should -Be 15
        $back.ClientNetworks | Should -Be @('192.0.2.0/24')
        $back.Nodes.Name | Should -Be $inventory.Nodes.Name
        $back.Nodes.Roles | Should -Be $inventory.Nodes.Roles
        $back.Secrets.SuperuserPassword | Should -Not -BeNullOrEmpty
        [pscredential]::new('x', $back.Secrets.SuperuserPassword).GetNetworkCredential().Password | Should -Be $secrets[0]
    }

    It 'refuses to overwrite without -Force' {
        $failure = Get-InventoryError { $inventory | Export-HaPgInventory -Path $path }
        $failure.FullyQualifiedErrorId | Should -BeLike 'HaPg.Inventory.FileExists,*'
        { $inventory | Export-HaPgInventory -Path $path -Force } | Should -Not -Throw
    }

    It 'writes nothing under -WhatIf' {
        $inventory | Export-HaPgInventory -Path (Join-Path $TestDrive 'whatif.yaml') -WhatIf
        Join-Path $TestDrive 'whatif.yaml' | Should -Not -Exist
    }

    It 'names the line and key of <Case>' -ForEach @(
        @{ Case = 'an unknown key'; Id = 'HaPg.Inventory.YamlUnknownKey'; Edit = { param($t) $t -replace '(?m)^  address: 192.0.2.12', '  adress: 192.0.2.12' }; Mentions = "edited.yaml line 24: unknown key 'adress' in nodes``[1``] (node 'node-2')" }
        @{ Case = 'a wrong type'; Id = 'HaPg.Inventory.YamlInvalidValue'; Edit = { param($t) $t -replace 'postgres: 5432', 'postgres: five' }; Mentions = "edited.yaml line 8, key 'ports.postgres': 'five' is not a whole number" }
        @{ Case = 'a broken indentation'; Id = 'HaPg.Inventory.YamlSyntax'; Edit = { param($t) $t -replace '(?m)^  user: root', '     user: root' }; Mentions = 'edited.yaml line 19, column *' }
        @{ Case = 'a bad address'; Id = 'HaPg.Inventory.InvalidAddress'; Edit = { param($t) $t -replace '192.0.2.13', '192.0.2.313' }; Mentions = "Node 'node-3': address '192.0.2.313'*(*edited.yaml line 31, key 'nodes``[2``].address')" }
    ) {
        $edited = Join-Path $TestDrive 'edited.yaml'
        Set-Content $edited (& $Edit $yaml) -NoNewline
        $failure = Get-InventoryError { Import-HaPgInventory $edited }
        $failure.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $failure.Exception.Message | Should -BeLike "*$Mentions*"
    }
}
