# Test-HaPgConnection from the built module against a throwaway sshd (tests/fixtures/test-sshd.sh; needs root).
BeforeAll {
    Import-Module $env:HAPG_MODULE_MANIFEST -Force
    $script:dir = Join-Path ([IO.Path]::GetTempPath()) "hapg-pester-sshd-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $fixture = Join-Path $PSScriptRoot '../fixtures/test-sshd.sh'
    $values = @{}
    bash $fixture start $script:dir $port | ForEach-Object { $k, $v = $_ -split '=', 2; $values[$k] = $v }
    if ($LASTEXITCODE -ne 0) { throw "test sshd did not start" }
    $script:password = Get-Content -Raw $values.PASSWORD_FILE
    $script:hostKeyFingerprint = (ssh-keygen -lf $values.HOST_KEY_PUB).Split(' ')[1]
    $secure = ConvertTo-SecureString $script:password -AsPlainText -Force

    # A valid cluster needs three nodes; only pg-a (the throwaway sshd) is ever contacted, through -Node.
    $credential = [pscredential]::new($values.USER, $secure)
    $nodes = 'pg-a', 'pg-b', 'pg-c' | ForEach-Object -Begin { $i = 0 } -Process {
        $i++; @{ Name = $_; Address = "127.0.0.$i"; Port = [int]$values.PORT; User = $values.USER }
    }
    $script:inventory = New-HaPgInventory -ClusterName pester -Node $nodes -Credential $credential -SudoPassword $secure `
        -KnownHostsPath (Join-Path $script:dir 'pester_known_hosts') -WarningAction SilentlyContinue
}

AfterAll {
    bash (Join-Path $PSScriptRoot '../fixtures/test-sshd.sh') stop $script:dir
}

Describe 'Test-HaPgConnection' {
    It 'refuses an unknown host key, naming the node and the fingerprint' {
        $result = $script:inventory | Test-HaPgConnection -Node pg-a -ErrorVariable err -ErrorAction SilentlyContinue
        $result.Reachable | Should -BeFalse
        $err[0].FullyQualifiedErrorId | Should -BeLike 'HaPg.Ssh.HostKeyUnknown*'
        $err[0].TargetObject.Name | Should -Be 'pg-a'
        "$($err[0])" | Should -BeLike "*pg-a*$($script:hostKeyFingerprint)*"
    }

    It 'sends no password to an unknown key it could not have confirmed (-AcceptHostKey, non-interactive)' {
        $result = $script:inventory | Test-HaPgConnection -Node pg-a -AcceptHostKey -ErrorVariable err -ErrorAction SilentlyContinue
        $result.Reachable | Should -BeFalse
        $err[0].FullyQualifiedErrorId | Should -BeLike 'HaPg.Connection.UnverifiedKeyWithPassword*'
        "$($err[0])" | Should -BeLike "*pg-a*$($script:hostKeyFingerprint)*HostKeySha256*"
        Test-Path $script:inventory.KnownHostsPath | Should -BeFalse
    }

    It 'connects with the key pinned, reads the facts and never prints the password' {
        $script:inventory.Nodes[0].HostKeySha256 = $script:hostKeyFingerprint
        $out = $script:inventory | Test-HaPgConnection -Node pg-a -AcceptHostKey -Verbose -ErrorVariable err -ErrorAction SilentlyContinue 4>&1 3>&1
        $result = $out | Where-Object { $_.PSObject.TypeNames -contains 'HaPg.Results.HaPgConnectionResult' }
        $result.Reachable | Should -BeTrue
        $result.SudoOk | Should -BeTrue
        $result.Os | Should -BeIn 'debian', 'ubuntu'
        $result.HostKeySha256 | Should -Be $script:hostKeyFingerprint
        $verbose = $out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $verbose | Should -Not -BeNullOrEmpty
        $verbose.Message | ForEach-Object { $_ | Should -BeLike '`[pg-a`] *' }
        ($out | Out-String) + ($err | Out-String) | Should -Not -BeLike "*$($script:password)*"
        if ((Get-Content /proc/1/comm) -ne 'systemd') {
            $err.FullyQualifiedErrorId | Should -Contain 'HaPg.Connection.NoSystemd,HaPg.PowerShell.Commands.TestHaPgConnectionCommand'
        }
        Test-Path $script:inventory.KnownHostsPath | Should -BeFalse # a pin is trusted as it is, not recorded
    }

    It 'formats the result as a table within 120 columns' {
        $text = $script:inventory | Test-HaPgConnection -Node pg-a -ErrorAction SilentlyContinue | Format-Table | Out-String -Width 120
        $text | Should -BeLike '*pg-a*True*'
        ($text -split "`n" | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 120
    }
}
