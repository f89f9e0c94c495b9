#requires -Version 7.2
# HaPgLab: Debian 13 or 12 machines as systemd-nspawn containers on this host, with fault injection.
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'HaPgLab.Private.ps1')
Update-TypeData -TypeName 'HaPgLab.Node' -DefaultDisplayPropertySet Name, Address, State, Lab -Force

function New-HaPgLab {
    <#
    .SYNOPSIS
        Boots N Debian nodes (node-1..node-N; Debian 13 unless -Suite bookworm) as systemd-nspawn containers with their own address and sshd.
    .DESCRIPTION
        Installs missing host packages, builds or reuses the cached base tree, removes leftovers of an earlier
        lab of the same name, then gives each node an overlay root, its own host key, root and 'hapg' logins
        with the lab key, a bridge port and a static address. Returns when every node answers SSH.
        node-2's 'hapg' needs its password for sudo (AdminSudoPassword); the others' sudo is passwordless.
    .EXAMPLE
        New-HaPgLab -NodeCount 3 | New-HaPgInventory
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType('HaPgLab.Node')]
    param(
        [ValidateRange(1, 50)] [int] $NodeCount = 5,
        # Lab name: the state dir, bridge (hl-<name>) and nft table derive from it.
        [ValidatePattern('^[a-z][a-z0-9]{0,11}$')] [string] $Name = 'hapg',
        # A /24 owned by the lab; the default for a name other than 'hapg' is derived from the name.
        [ValidatePattern('^\d{1,3}\.\d{1,3}\.\d{1,3}\.0/24$')] [string] $Subnet,
        # The Debian release the nodes run: trixie (13) or bookworm (12). The base tree is cached per suite.
        [ValidateSet('trixie', 'bookworm')] [string] $Suite = 'trixie'
    )
    if (-not $Subnet) {
        $octet = if ($Name -eq 'hapg') { 47 } else { 100 + ([int](($Name.ToCharArray() | Measure-Object -Sum { [int]$_ }).Sum) % 150) }
        $Subnet = "10.213.$octet.0/24"
    }
    if (-not $PSCmdlet.ShouldProcess("lab $Name", "create $NodeCount nodes on $Subnet")) { return }
    if ([Environment]::UserName -ne 'root') {
        $PSCmdlet.ThrowTerminatingError((New-LabError 'RootRequired' 'New-HaPgLab needs root' PermissionDenied $Name))
    }
    $paths = Get-LabPath $Name
    $owner = Get-ChildItem $script:LabRoot -Filter 'lab-*' -Directory -ErrorAction Ignore | Where-Object Name -NE "lab-$Name" |
        ForEach-Object { Get-Content "$($_.FullName)/lab.json" -Raw -ErrorAction Ignore | ConvertFrom-Json } | Where-Object { $_ -and $_.Subnet -eq $Subnet }
    if ($owner) {
        $PSCmdlet.ThrowTerminatingError((New-LabError 'SubnetInUse' "subnet $Subnet belongs to lab '$($owner.Name)'" ResourceExists $Subnet))
    }

    $step = 'host prerequisites'
    try {
        Write-Progress -Activity "HaPgLab $Name" -Status 'host: prerequisites'
        Install-LabHostPrerequisite
        $step = 'clean leftovers'
        Remove-LabResource $Name
        $step = 'apt sources'
        $apt = Get-LabAptSource $Suite
        $step = 'base tree'
        Write-Progress -Activity "HaPgLab $Name" -Status 'host: base tree'
        $base = Get-LabBase $apt
        $step = 'lab state'
        New-Item -ItemType Directory -Force $paths.Nodes | Out-Null
        Invoke-LabNative chmod @('0700', $paths.Dir) | Out-Null
        $ipForward = (Get-Content /proc/sys/net/ipv4/ip_forward -Raw).Trim()
        $state = [pscustomobject]@{
            Name = $Name; Suite = $Suite; Subnet = $Subnet; Bridge = $paths.Bridge; NftTable = $paths.NftTable; Base = $base
            IpForwardBefore = $ipForward; Nameservers = @(Get-HostNameserver); MirrorHosts = @(Resolve-LabMirrorHost $apt.Hosts)
            Nodes = @(1..$NodeCount | ForEach-Object {
                    [pscustomobject]@{ Name = "node-$_"; Address = Get-IPv4Address $Subnet (10 + $_); HostKeySha256 = $null
                        AdminSudoRequiresPassword = "node-$_" -eq $script:PasswordSudoNode }
                })
        }
        $state | ConvertTo-Json -Depth 5 | Set-Content $paths.State
        Invoke-LabNative ssh-keygen @('-q', '-t', 'ed25519', '-N', '', '-C', "hapg-lab-$Name", '-f', $paths.Key) | Out-Null
        $password = -join (1..24 | ForEach-Object { 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'[[System.Security.Cryptography.RandomNumberGenerator]::GetInt32(57)] })
        New-Item $paths.Password -ItemType File -Force | Out-Null
        Invoke-LabNative chmod @('0600', $paths.Password) | Out-Null
        Set-Content $paths.Password $password -NoNewline

        $step = 'network'
        Write-Verbose "host: bridge $($paths.Bridge) $Subnet, nft table $($paths.NftTable)"
        Initialize-LabNetwork $state

        $knownHosts = foreach ($node in $state.Nodes) {
            $step = "$($node.Name): overlay root"
            Write-Progress -Activity "HaPgLab $Name" -Status "$($node.Name): prepare"
            $nodePaths = Get-LabNodePath $Name $node.Name
            New-Item -ItemType Directory -Force $nodePaths.Root, $nodePaths.Upper, $nodePaths.Work | Out-Null
            Invoke-LabNative mount @('-t', 'overlay', 'overlay', '-o', "lowerdir=$base,upperdir=$($nodePaths.Upper),workdir=$($nodePaths.Work)", $nodePaths.Root) | Out-Null
            $step = "$($node.Name): identity"
            Initialize-LabNode $state $node $password
            $hostKey = (Get-Content "$($nodePaths.Root)/etc/ssh/ssh_host_ed25519_key.pub" -Raw).Trim()
            $node.HostKeySha256 = Get-SshFingerprint $hostKey
            Write-Verbose "$($node.Name): $($node.Address) host key SHA256:$($node.HostKeySha256)"
            "$($node.Name),$($node.Address) $(($hostKey -split ' ')[0..1] -join ' ')"
        }
        Set-Content $paths.KnownHosts $knownHosts
        $state | ConvertTo-Json -Depth 5 | Set-Content $paths.State

        foreach ($node in $state.Nodes) {
            $step = "$($node.Name): boot"
            Write-Verbose "$($node.Name): booting"
            Start-LabNodeProcess $state $node.Name
        }
        $step = 'wait for SSH'
        Write-Progress -Activity "HaPgLab $Name" -Status 'nodes: waiting for SSH'
        Wait-LabNodeSsh $state $state.Nodes.Name
        Write-Progress -Activity "HaPgLab $Name" -Completed
    }
    catch {
        Write-Progress -Activity "HaPgLab $Name" -Completed
        $failure = $_
        try { Remove-LabResource $Name } catch { Write-Warning "lab ${Name}: cleanup after the failure: $($_.Exception.Message)" }
        $PSCmdlet.ThrowTerminatingError((New-LabError 'CreateFailed' "New-HaPgLab '$Name' failed at step '$step': $($failure.Exception.Message)" NotSpecified $Name))
    }
    foreach ($node in $state.Nodes) { ConvertTo-LabNode $state $node }
}

function Get-HaPgLab {
    <#
    .SYNOPSIS
        Lists the nodes of a lab (or of every lab) with their State: Running, Stopped, Suspended or Disconnected.
    .EXAMPLE
        Get-HaPgLab | Format-Table Name, Address, State
    #>
    [CmdletBinding()]
    [OutputType('HaPgLab.Node')]
    param(
        # Lab name; all labs when omitted.
        [ValidatePattern('^[a-z][a-z0-9]{0,11}$')] [string] $Name
    )
    $labs = if ($Name) { @($Name) } else { Get-ChildItem $script:LabRoot -Filter 'lab-*' -Directory -ErrorAction Ignore | ForEach-Object { $_.Name.Substring(4) } }
    foreach ($lab in $labs) {
        $state = Read-LabState $lab
        if ($state) { foreach ($node in $state.Nodes) { ConvertTo-LabNode $state $node } }
    }
}

function Remove-HaPgLab {
    <#
    .SYNOPSIS
        Removes every container, process, mount, bridge, nft table and file of a lab. Safe to run twice.
        The cached base tree stays.
    .EXAMPLE
        Remove-HaPgLab -Name hapg
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([void])]
    param(
        [ValidatePattern('^[a-z][a-z0-9]{0,11}$')] [string] $Name = 'hapg'
    )
    end {
        if (-not $PSCmdlet.ShouldProcess("lab $Name", 'remove')) { return }
        $state = Read-LabState $Name
        Remove-LabResource $Name
        $others = Get-ChildItem $script:LabRoot -Filter 'lab-*' -Directory -ErrorAction Ignore
        if ($state -and $state.IpForwardBefore -eq '0' -and -not $others) {
            Write-Verbose 'host: net.ipv4.ip_forward back to 0'
            Write-KernelFile /proc/sys/net/ipv4/ip_forward '0'
        }
    }
}

# Resolves -Name/-Lab to node states; writes a per-node error for unknown nodes.
function Select-LabNode {
    param([string] $Lab, [string[]] $Name, [System.Management.Automation.PSCmdlet] $Cmdlet)
    $state = Read-LabState $Lab
    if (-not $state) {
        $Cmdlet.ThrowTerminatingError((New-LabError 'NotFound' "lab '$Lab' does not exist" ObjectNotFound $Lab))
    }
    foreach ($node in $Name) {
        if ($state.Nodes.Name -contains $node) { [pscustomobject]@{ State = $state; Name = $node } }
        else { $Cmdlet.WriteError((New-LabError 'NodeNotFound' "${node}: no such node in lab '$Lab'" ObjectNotFound $node)) }
    }
}

function Wait-LabNodeExit([object] $State, [string] $Node, [int] $TimeoutSeconds) {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    # The cgroup empties a moment before the exiting nspawn turns into a zombie.
    while ((Test-CgroupPopulated (Get-LabCgroup $State.Name $Node).Unified) -or (Get-LabNodePid $State.Name $Node)) {
        if ([DateTime]::UtcNow -gt $deadline) { return $false }
        Start-Sleep -Milliseconds 100
    }
    $true
}

function Stop-HaPgLabNode {
    <#
    .SYNOPSIS
        Powers a node off cleanly, or with -Kill SIGKILLs every process of the container at once (power loss).
    .EXAMPLE
        Stop-HaPgLabNode -Name node-1 -Kill
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([void])]
    param(
        [Parameter(Mandatory, ValueFromPipelineByPropertyName)] [string[]] $Name,
        [Parameter(ValueFromPipelineByPropertyName)] [ValidatePattern('^[a-z][a-z0-9]{0,11}$')] [string] $Lab = 'hapg',
        [switch] $Kill,
        [ValidateRange(1, 600)] [int] $TimeoutSeconds = 60
    )
    process {
        foreach ($target in Select-LabNode $Lab $Name $PSCmdlet) {
            $node = $target.Name
            if (-not $PSCmdlet.ShouldProcess($node, $(if ($Kill) { 'kill' } else { 'power off' }))) { continue }
            $cgroup = (Get-LabCgroup $Lab $node).Unified
            $process = Get-LabNodePid $Lab $node
            if (-not $Kill -and $process -and $process.Init) {
                Write-Verbose "${node}: power off"
                Write-KernelFile "$cgroup/cgroup.freeze" '0'
                Invoke-LabNative kill @('-s', 'RTMIN+4', $process.Init) | Out-Null
                if (Wait-LabNodeExit $target.State $node $TimeoutSeconds) { continue }
                Write-Warning "${node}: no clean power off within $TimeoutSeconds s; killing it"
            }
            if (Test-Path "$cgroup/cgroup.kill") {
                Write-Verbose "${node}: SIGKILL every process"
                Write-KernelFile "$cgroup/cgroup.kill" '1'
            }
            if (-not (Wait-LabNodeExit $target.State $node 30)) {
                $PSCmdlet.WriteError((New-LabError 'StopFailed' "${node}: processes left after SIGKILL" OperationStopped $node))
            }
        }
    }
}

function Start-HaPgLabNode {
    <#
    .SYNOPSIS
        Boots a stopped node again on its own disk and waits until it answers SSH.
    .EXAMPLE
        Start-HaPgLabNode -Name node-1
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType('HaPgLab.Node')]
    param(
        [Parameter(Mandatory, ValueFromPipelineByPropertyName)] [string[]] $Name,
        [Parameter(ValueFromPipelineByPropertyName)] [ValidatePattern('^[a-z][a-z0-9]{0,11}$')] [string] $Lab = 'hapg',
        [ValidateRange(1, 600)] [int] $TimeoutSeconds = 120
    )
    process {
        foreach ($target in Select-LabNode $Lab $Name $PSCmdlet) {
            $node = $target.Name
            if (Get-LabNodePid $Lab $node) { Write-Verbose "${node}: already running"; continue }
            if (-not $PSCmdlet.ShouldProcess($node, 'boot')) { continue }
            Write-Verbose "${node}: booting"
            try {
                Start-LabNodeProcess $target.State $node
                Wait-LabNodeSsh $target.State $node $TimeoutSeconds
                ConvertTo-LabNode $target.State ($target.State.Nodes | Where-Object Name -EQ $node)
            }
            catch { $PSCmdlet.WriteError((New-LabError 'StartFailed' "${node}: $($_.Exception.Message)" OperationStopped $node)) }
        }
    }
}

# Freezes or thaws a node's cgroup (every process of the container, nspawn included).
function Set-LabNodeFrozen([System.Management.Automation.PSCmdlet] $Cmdlet, [string] $Lab, [string[]] $Name, [bool] $Frozen) {
    foreach ($target in Select-LabNode $Lab $Name $Cmdlet) {
        $node = $target.Name
        if (-not (Get-LabNodePid $Lab $node)) {
            $Cmdlet.WriteError((New-LabError 'NodeNotRunning' "${node}: not running" InvalidOperation $node)); continue
        }
        if (-not $Cmdlet.ShouldProcess($node, $(if ($Frozen) { 'freeze' } else { 'thaw' }))) { continue }
        $cgroup = (Get-LabCgroup $Lab $node).Unified
        Write-Verbose "${node}: $(if ($Frozen) { 'freeze' } else { 'thaw' }) every process"
        Write-KernelFile "$cgroup/cgroup.freeze" $(if ($Frozen) { '1' } else { '0' })
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while ((Get-Content "$cgroup/cgroup.events") -notcontains "frozen $([int]$Frozen)") {
            if ([DateTime]::UtcNow -gt $deadline) {
                $Cmdlet.WriteError((New-LabError 'FreezeFailed' "${node}: cgroup did not reach frozen=$([int]$Frozen)" OperationTimeout $node)); break
            }
            Start-Sleep -Milliseconds 50
        }
    }
}

function Suspend-HaPgLabNode {
    <#
    .SYNOPSIS
        Freezes every process of a node (cgroup freezer), like a VM pause. Resume-HaPgLabNode thaws it.
    .EXAMPLE
        Suspend-HaPgLabNode -Name node-1
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([void])]
    param(
        [Parameter(Mandatory, ValueFromPipelineByPropertyName)] [string[]] $Name,
        [Parameter(ValueFromPipelineByPropertyName)] [ValidatePattern('^[a-z][a-z0-9]{0,11}$')] [string] $Lab = 'hapg'
    )
    process { Set-LabNodeFrozen $PSCmdlet $Lab $Name $true }
}

function Resume-HaPgLabNode {
    <#
    .SYNOPSIS
        Thaws a node frozen by Suspend-HaPgLabNode.
    .EXAMPLE
        Resume-HaPgLabNode -Name node-1
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([void])]
    param(
        [Parameter(Mandatory, ValueFromPipelineByPropertyName)] [string[]] $Name,
        [Parameter(ValueFromPipelineByPropertyName)] [ValidatePattern('^[a-z][a-z0-9]{0,11}$')] [string] $Lab = 'hapg'
    )
    process { Set-LabNodeFrozen $PSCmdlet $Lab $Name $false }
}

# Sets the host side of a node's veth down (cut off) or up (back on the bridge).
function Set-LabNodeLink([System.Management.Automation.PSCmdlet] $Cmdlet, [string] $Lab, [string[]] $Name, [bool] $Up) {
    foreach ($target in Select-LabNode $Lab $Name $Cmdlet) {
        $node = $target.Name
        $link = Get-LabNodeHostLink $Lab $node
        if (-not $link) { $Cmdlet.WriteError((New-LabError 'NodeNotRunning' "${node}: not running" InvalidOperation $node)); continue }
        if (-not $Cmdlet.ShouldProcess($node, $(if ($Up) { "connect ($link up)" } else { "disconnect ($link down)" }))) { continue }
        Write-Verbose "${node}: host link $link $(if ($Up) { 'up' } else { 'down' })"
        Invoke-LabNative ip @('link', 'set', $link, $(if ($Up) { 'up' } else { 'down' })) | Out-Null
    }
}

function Disconnect-HaPgLabNode {
    <#
    .SYNOPSIS
        Cuts a node off the network (its bridge port goes down); its processes keep running.
    .EXAMPLE
        Disconnect-HaPgLabNode -Name node-1
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([void])]
    param(
        [Parameter(Mandatory, ValueFromPipelineByPropertyName)] [string[]] $Name,
        [Parameter(ValueFromPipelineByPropertyName)] [ValidatePattern('^[a-z][a-z0-9]{0,11}$')] [string] $Lab = 'hapg'
    )
    process { Set-LabNodeLink $PSCmdlet $Lab $Name $false }
}

function Connect-HaPgLabNode {
    <#
    .SYNOPSIS
        Puts a node cut off by Disconnect-HaPgLabNode back on the network.
    .EXAMPLE
        Connect-HaPgLabNode -Name node-1
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([void])]
    param(
        [Parameter(Mandatory, ValueFromPipelineByPropertyName)] [string[]] $Name,
        [Parameter(ValueFromPipelineByPropertyName)] [ValidatePattern('^[a-z][a-z0-9]{0,11}$')] [string] $Lab = 'hapg'
    )
    process { Set-LabNodeLink $PSCmdlet $Lab $Name $true }
}

function Invoke-HaPgLabCommand {
    <#
    .SYNOPSIS
        Runs a shell command inside a running node through nsenter (no network needed); returns its output
        and exit code.
    .EXAMPLE
        Invoke-HaPgLabCommand -Name node-1 -Command 'systemctl is-system-running'
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, ValueFromPipelineByPropertyName)] [string[]] $Name,
        [Parameter(ValueFromPipelineByPropertyName)] [ValidatePattern('^[a-z][a-z0-9]{0,11}$')] [string] $Lab = 'hapg',
        [Parameter(Mandatory)] [string] $Command
    )
    process {
        foreach ($target in Select-LabNode $Lab $Name $PSCmdlet) {
            $process = Get-LabNodePid $Lab $target.Name
            if (-not $process -or -not $process.Init) {
                $PSCmdlet.WriteError((New-LabError 'NodeNotRunning' "$($target.Name): not running" InvalidOperation $target.Name)); continue
            }
            $output = Invoke-LabNative nsenter @('-t', $process.Init, '-m', '-u', '-i', '-n', '-p', '/bin/sh', '-c', $Command) -AllowFailure
            [pscustomobject]@{ Name = $target.Name; ExitCode = $LASTEXITCODE; Output = $output }
        }
    }
}
