#requires -Version 7.2
# Needs root and systemd-nspawn: one 3-node lab for the whole file.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HaPgLab.psd1') -Force
    $script:LabName = 'pester'
    $script:Nodes = @(New-HaPgLab -Name $script:LabName -NodeCount 3)
    $script:LabDir = Split-Path $script:Nodes[0].KnownHostsPath

    # OpenSSH with the node object's key and the lab's known_hosts; strict host key checking.
    function Invoke-NodeSsh {
        param([object] $Node, [string] $Command, [string] $User = $Node.User, [string] $InputText, [string] $KnownHosts = $Node.KnownHostsPath)
        $arguments = @('-i', $Node.KeyPath, '-p', $Node.Port, '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=yes',
            '-o', "UserKnownHostsFile=$KnownHosts", '-o', 'ConnectTimeout=3', '-o', 'LogLevel=ERROR', "$User@$($Node.Address)", $Command)
        $output = if ($PSBoundParameters.ContainsKey('InputText')) { $InputText | & timeout 15 ssh @arguments 2>&1 } else { & timeout 15 ssh @arguments 2>&1 }
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | ForEach-Object { "$_" }) -join "`n" }
    }

    # Host processes whose root directory is the node's root filesystem (same device and inode),
    # whatever mount namespace they are in: independent of how the lab tracks its processes.
    $script:NodeRootId = @{}
    foreach ($node in $script:Nodes) { $script:NodeRootId[$node.Name] = stat -L -c '%d:%i' (Join-Path $script:LabDir "nodes/$($node.Name)/root") }
    function Get-NodeProcess([string] $Name) {
        $id = $script:NodeRootId[$Name]
        @(bash -c 'stat -L -c "%n %d:%i" /proc/[0-9]*/root 2>/dev/null' | ForEach-Object {
                $path, $rootId = $_ -split ' '
                if ($rootId -eq $id) { [int]($path -split '/')[2] }
            })
    }

    function Get-Node([string] $Name) { $script:Nodes | Where-Object Name -EQ $Name }
}

AfterAll {
    Remove-HaPgLab -Name $script:LabName
}

Describe 'New-HaPgLab' -Tag Lab {
    It 'returns node objects an inventory binds by property name' {
        $script:Nodes.Name | Should -Be @('node-1', 'node-2', 'node-3')
        foreach ($node in $script:Nodes) {
            $node.Port | Should -Be 22
            $node.User | Should -Be 'root'
            $node.KeyPath | Should -Exist
            $node.KnownHostsPath | Should -Exist
            $node.HostKeySha256 | Should -Match '^[A-Za-z0-9+/]{43}$'
            $node.State | Should -Be 'Running'
        }
        ($script:Nodes | ForEach-Object Address | Select-Object -Unique).Count | Should -Be 3
        ($script:Nodes | ForEach-Object HostKeySha256 | Select-Object -Unique).Count | Should -Be 3
    }

    It 'every node answers SSH with the recorded host key' {
        foreach ($node in $script:Nodes) {
            $result = Invoke-NodeSsh $node 'cat /etc/ssh/ssh_host_ed25519_key.pub; hostname'
            $result.ExitCode | Should -Be 0 -Because $result.Output
            $lines = $result.Output -split "`n"
            $lines[1] | Should -Be $node.Name
            $keyFile = Join-Path $TestDrive "$($node.Name).pub"
            Set-Content $keyFile $lines[0]
            (ssh-keygen -lf $keyFile) | Should -Match "^256 SHA256:$([regex]::Escape($node.HostKeySha256)) .*\(ED25519\)$"
        }
    }

    It 'refuses a node whose key is not in known_hosts' {
        $empty = Join-Path $TestDrive 'empty_known_hosts'
        Set-Content $empty ''
        $result = Invoke-NodeSsh $script:Nodes[0] 'true' -KnownHosts $empty
        $result.ExitCode | Should -Not -Be 0
        $result.Output | Should -Match 'Host key verification failed'
    }

    It 'runs systemd as PID 1 and the system is running on <_>' -ForEach @('node-1', 'node-2', 'node-3') {
        $result = Invoke-NodeSsh (Get-Node $_) 'ps -o comm= -p 1; systemctl is-system-running'
        $result.Output | Should -Be "systemd`nrunning"
    }

    It '<_> reaches every other node' -ForEach @('node-1', 'node-2', 'node-3') {
        $others = $script:Nodes | Where-Object Name -NE $_ | ForEach-Object Address
        $result = Invoke-NodeSsh (Get-Node $_) (($others | ForEach-Object { "ping -c1 -W2 $_ >/dev/null" }) -join ' && ')
        $result.ExitCode | Should -Be 0 -Because $result.Output
    }

    It 'reaches the package mirror (apt-get update)' {
        $result = Invoke-NodeSsh $script:Nodes[0] 'apt-get update -qq 2>&1 && echo updated'
        $result.Output | Should -Match 'updated$'
        $result.Output | Should -Not -Match '^(W|E):'
    }

    It 'comes up without PostgreSQL, Patroni, etcd or HAProxy' {
        $result = Invoke-NodeSsh $script:Nodes[0] 'dpkg-query -W -f=''${Status}\n'' postgresql patroni etcd-server haproxy 2>/dev/null | grep -c "install ok installed"'
        $result.Output | Should -Be '0'
    }

    It 'reaches the host on the lab gateway only, not on its other addresses' {
        (ip -4 -o route get 1.1.1.1) -match '\bsrc (\S+)' | Should -BeTrue
        $hostAddress = $Matches[1]
        $gateway = ($script:Nodes[0].Address -replace '\.\d+$', '.1')
        $listener = [System.Net.Sockets.TcpListener]::new([ipaddress]::Any, 0)
        $listener.Start()
        try {
            $port = $listener.LocalEndpoint.Port
            $probe = { param($address) "timeout 3 bash -c '</dev/tcp/$address/$port' && echo reached || echo blocked" }
            (Invoke-NodeSsh $script:Nodes[0] (& $probe $gateway)).Output | Should -Be 'reached'
            (Invoke-NodeSsh $script:Nodes[0] (& $probe $hostAddress)).Output | Should -Be 'blocked'
        }
        finally { $listener.Stop() }
    }
}

Describe 'admin user' -Tag Lab {
    It 'has passwordless sudo on node-1 and node-3' {
        foreach ($name in 'node-1', 'node-3') {
            $node = Get-Node $name
            $node.AdminSudoRequiresPassword | Should -BeFalse
            (Invoke-NodeSsh $node 'sudo -n id -u' -User $node.AdminUser).Output | Should -Be '0'
        }
    }

    It 'needs its password for sudo on node-2' {
        $node = Get-Node 'node-2'
        $node.AdminSudoRequiresPassword | Should -BeTrue
        $node.AdminSudoPassword | Should -BeOfType [securestring]
        $denied = Invoke-NodeSsh $node 'sudo -n true' -User $node.AdminUser
        $denied.ExitCode | Should -Not -Be 0
        $denied.Output | Should -Match 'password is required'
        $password = [System.Net.NetworkCredential]::new('', $node.AdminSudoPassword).Password
        $granted = Invoke-NodeSsh $node 'sudo -S -p "" id -u' -User $node.AdminUser -InputText $password
        $granted.Output | Should -Be '0'
        $wrong = Invoke-NodeSsh $node 'sudo -S -p "" id -u' -User $node.AdminUser -InputText 'not-the-password'
        $wrong.ExitCode | Should -Not -Be 0
    }

    It 'keeps the password file readable by root only' {
        (Get-Item (Join-Path $script:LabDir 'admin-sudo-password')).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
    }
}

Describe 'fault injection' -Tag Lab {
    It 'Disconnect cuts node-3 off the host and the other nodes; Connect restores it' {
        $node3 = Get-Node 'node-3'
        $node3 | Disconnect-HaPgLabNode
        (Get-HaPgLab -Name $script:LabName | Where-Object Name -EQ 'node-3').State | Should -Be 'Disconnected'
        (Invoke-NodeSsh $node3 'true').ExitCode | Should -Not -Be 0
        (Invoke-NodeSsh (Get-Node 'node-1') "ping -c1 -W2 $($node3.Address) >/dev/null && echo reached || echo lost").Output | Should -Be 'lost'

        Connect-HaPgLabNode -Name node-3 -Lab $script:LabName
        (Get-HaPgLab -Name $script:LabName | Where-Object Name -EQ 'node-3').State | Should -Be 'Running'
        (Invoke-NodeSsh (Get-Node 'node-1') "ping -c1 -W2 $($node3.Address) >/dev/null && echo reached || echo lost").Output | Should -Be 'reached'
        (Invoke-NodeSsh $node3 'true').ExitCode | Should -Be 0
    }

    It 'Suspend freezes node-3; Resume thaws it' {
        $node3 = Get-Node 'node-3'
        Suspend-HaPgLabNode -Name node-3 -Lab $script:LabName
        (Get-HaPgLab -Name $script:LabName | Where-Object Name -EQ 'node-3').State | Should -Be 'Suspended'
        # The kernel's own view: the cgroup2 of every process of the node reports frozen.
        $processes = Get-NodeProcess 'node-3'
        $processes | Should -Not -BeNullOrEmpty
        $unified = if (Test-Path /sys/fs/cgroup/cgroup.controllers) { '/sys/fs/cgroup' } else { '/sys/fs/cgroup/unified' }
        foreach ($process in $processes) {
            $cgroup = (Get-Content "/proc/$process/cgroup" | Where-Object { $_.StartsWith('0::') }).Substring(3)
            Get-Content "$unified$cgroup/cgroup.events" | Should -Contain 'frozen 1'
        }
        $clock = [Diagnostics.Stopwatch]::StartNew()
        (Invoke-NodeSsh $node3 'true').ExitCode | Should -Not -Be 0
        $clock.Elapsed.TotalSeconds | Should -BeGreaterThan 2.5 -Because 'a frozen sshd never sends its banner'

        $node3 | Resume-HaPgLabNode
        (Get-HaPgLab -Name $script:LabName | Where-Object Name -EQ 'node-3').State | Should -Be 'Running'
        (Invoke-NodeSsh $node3 'true').ExitCode | Should -Be 0
    }

    It 'Stop powers node-3 off cleanly; Start boots it with its disk as it was' {
        $node3 = Get-Node 'node-3'
        (Invoke-NodeSsh $node3 'echo clean > /root/marker && sync').ExitCode | Should -Be 0
        Stop-HaPgLabNode -Name node-3 -Lab $script:LabName
        Get-NodeProcess 'node-3' | Should -BeNullOrEmpty
        (Get-HaPgLab -Name $script:LabName | Where-Object Name -EQ 'node-3').State | Should -Be 'Stopped'

        $started = Start-HaPgLabNode -Name node-3 -Lab $script:LabName
        $started.State | Should -Be 'Running'
        (Invoke-NodeSsh $node3 'cat /root/marker; systemctl is-system-running').Output | Should -Be "clean`nrunning"
    }

    It 'Stop -Kill leaves no process of node-3; Start brings it back with the file written before' {
        $node3 = Get-Node 'node-3'
        (Invoke-NodeSsh $node3 'echo killed > /root/marker && sync').ExitCode | Should -Be 0
        Get-NodeProcess 'node-3' | Should -Not -BeNullOrEmpty
        $node3 | Stop-HaPgLabNode -Kill
        Get-NodeProcess 'node-3' | Should -BeNullOrEmpty
        (Invoke-NodeSsh $node3 'true').ExitCode | Should -Not -Be 0

        $node3 | Start-HaPgLabNode | Out-Null
        (Invoke-NodeSsh $node3 'cat /root/marker').Output | Should -Be 'killed'
        (Invoke-NodeSsh (Get-Node 'node-1') "ping -c1 -W2 $($node3.Address) >/dev/null && echo reached").Output | Should -Be 'reached'
    }

    It 'reports an unknown node as an error naming it' {
        Stop-HaPgLabNode -Name node-9 -Lab $script:LabName -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Match '^HaPg\.Lab\.NodeNotFound'
        $failures[0].TargetObject | Should -Be 'node-9'
    }
}

Describe 'Remove-HaPgLab' -Tag Lab {
    It 'leaves no mount, bridge, process, nft table or state behind, and can run twice' {
        $bridge = "hl-$script:LabName"
        ip link show $bridge 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0 -Because 'the lab is up before removal'

        Remove-HaPgLab -Name $script:LabName
        Remove-HaPgLab -Name $script:LabName

        Get-Content /proc/self/mountinfo | Where-Object { $_ -match [regex]::Escape($script:LabDir) } | Should -BeNullOrEmpty
        ip link show $bridge 2>&1 | Out-Null
        $LASTEXITCODE | Should -Not -Be 0
        nft list table inet "hapg_lab_$script:LabName" 2>&1 | Out-Null
        $LASTEXITCODE | Should -Not -Be 0
        foreach ($node in $script:Nodes) { Get-NodeProcess $node.Name | Should -BeNullOrEmpty }
        @(Get-ChildItem /proc -Directory | Where-Object Name -Match '^\d+$' | Where-Object {
                "$(Get-Content "/proc/$($_.Name)/cmdline" -Raw -ErrorAction Ignore)" -match "systemd-nspawn.*$script:LabName-node-"
            }) | Should -BeNullOrEmpty
        $script:LabDir | Should -Not -Exist
        Get-HaPgLab -Name $script:LabName | Should -BeNullOrEmpty
    }
}
