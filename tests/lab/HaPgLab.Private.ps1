# Internal helpers of HaPgLab: host prerequisites, apt sources, the cached base tree, cgroups, nodes.

$script:LabRoot = '/var/lib/hapg-lab'
$script:BasePackages = @('systemd', 'systemd-sysv', 'dbus', 'openssh-server', 'iproute2', 'sudo', 'python3',
    'ca-certificates', 'iputils-ping', 'procps')
$script:HostPackages = [ordered]@{
    'systemd-nspawn' = 'systemd-container'; 'debootstrap' = 'debootstrap'; 'nft' = 'nftables'
    'ip' = 'iproute2'; 'ssh' = 'openssh-client'; 'ssh-keygen' = 'openssh-client'; 'setsid' = 'util-linux'
    'nsenter' = 'util-linux'
}
$script:AdminUser = 'hapg'
$script:PasswordSudoNode = 'node-2'

function New-LabError {
    param([string] $Id, [string] $Message, [System.Management.Automation.ErrorCategory] $Category, [object] $Target)
    [System.Management.Automation.ErrorRecord]::new([System.InvalidOperationException]::new($Message), "HaPg.Lab.$Id", $Category, $Target)
}

# Runs a native command; throws with its output when it fails.
function Invoke-LabNative {
    param([Parameter(Mandatory)] [string] $File, [string[]] $Arguments = @(), [string] $InputText, [switch] $AllowFailure)
    $output = if ($PSBoundParameters.ContainsKey('InputText')) { $InputText | & $File @Arguments 2>&1 } else { & $File @Arguments 2>&1 }
    $text = ($output | ForEach-Object { "$_" }) -join "`n"
    if ($LASTEXITCODE -ne 0 -and -not $AllowFailure) { throw "$File $($Arguments -join ' ') exited with ${LASTEXITCODE}: $text" }
    $text
}

# One write to a cgroup/proc file (Set-Content's extra calls make cgroupfs reject the write).
function Write-KernelFile([string] $Path, [string] $Value) {
    $stream = [IO.File]::OpenWrite($Path)
    try { $bytes = [Text.Encoding]::ASCII.GetBytes($Value); $stream.Write($bytes, 0, $bytes.Length) }
    finally { $stream.Dispose() }
}

function Get-LabPath([string] $Lab) {
    $dir = Join-Path $script:LabRoot "lab-$Lab"
    [pscustomobject]@{
        Dir = $dir; State = Join-Path $dir 'lab.json'; Key = Join-Path $dir 'id_ed25519'
        KnownHosts = Join-Path $dir 'known_hosts'; Password = Join-Path $dir 'admin-sudo-password'
        Nodes = Join-Path $dir 'nodes'; Bridge = "hl-$Lab"; NftTable = "hapg_lab_$Lab"
    }
}

function Get-LabNodePath([string] $Lab, [string] $Node) {
    $dir = Join-Path (Get-LabPath $Lab).Nodes $Node
    [pscustomobject]@{
        Dir = $dir; Root = Join-Path $dir 'root'; Upper = Join-Path $dir 'upper'; Work = Join-Path $dir 'work'
        Pid = Join-Path $dir 'nspawn.pid'; Console = Join-Path $dir 'console.log'; Machine = "$Lab-$Node"
    }
}

# cgroup v2 directories that hold one node's processes (the v1 name=systemd one too on hybrid hosts).
function Get-LabCgroup([string] $Lab, [string] $Node) {
    $unified = if (Test-Path /sys/fs/cgroup/cgroup.controllers) { '/sys/fs/cgroup' } else { '/sys/fs/cgroup/unified' }
    $relative = if ($Node) { "hapg-lab/$Lab/$Node" } else { "hapg-lab/$Lab" }
    $dirs = @("$unified/$relative")
    if ($unified -ne '/sys/fs/cgroup' -and (Test-Path /sys/fs/cgroup/systemd/cgroup.procs)) { $dirs += "/sys/fs/cgroup/systemd/$relative" }
    [pscustomobject]@{ Unified = "$unified/$relative"; All = $dirs }
}

# rmdir of a cgroup and its (empty) descendants, deepest first.
function Remove-LabCgroupTree([string] $Dir, [switch] $KeepRoot) {
    if (-not (Test-Path $Dir)) { return }
    $dirs = @(Get-ChildItem $Dir -Recurse -Directory | Sort-Object { $_.FullName.Length } -Descending | ForEach-Object FullName) + @($Dir | Where-Object { -not $KeepRoot })
    foreach ($path in $dirs) {
        # A cgroup whose last process is still exiting stays busy for a moment.
        for ($try = 1; ; $try++) {
            try { [IO.Directory]::Delete($path); break }
            catch { if ($try -ge 50) { throw }; Start-Sleep -Milliseconds 100 }
        }
    }
}

# True while any process lives in the cgroup or below it.
function Test-CgroupPopulated([string] $Dir) {
    (Test-Path "$Dir/cgroup.events") -and (Get-Content "$Dir/cgroup.events") -contains 'populated 1'
}

function Install-LabHostPrerequisite {
    $missing = @($script:HostPackages.GetEnumerator() | Where-Object { -not (Get-Command $_.Key -CommandType Application -ErrorAction Ignore) } |
            ForEach-Object Value | Select-Object -Unique)
    if (-not $missing) { return }
    Write-Verbose "host: installing $($missing -join ', ')"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    $lock = '-o', 'DPkg::Lock::Timeout=600'
    Invoke-LabNative apt-get ($lock + 'update', '-qq') | Out-Null
    Invoke-LabNative apt-get ($lock + 'install', '-y', '-qq', '--no-install-recommends' + $missing) | Out-Null
}

# The host's Debian apt entries (deb822 *.sources and one-line *.list).
function Get-HostAptSource {
    $entries = [System.Collections.Generic.List[object]]::new()
    foreach ($file in Get-ChildItem /etc/apt/sources.list.d/*.sources -ErrorAction Ignore) {
        foreach ($stanza in ((Get-Content $file -Raw) -split '\n\s*\n')) {
            $fields = @{}
            foreach ($line in $stanza -split '\n') { if ($line -match '^([A-Za-z-]+):\s*(.*)$') { $fields[$Matches[1]] = $Matches[2].Trim() } }
            if ($fields['Types'] -notmatch '\bdeb\b' -or $fields['Enabled'] -eq 'no' -or -not $fields['URIs']) { continue }
            foreach ($uri in $fields['URIs'] -split '\s+') {
                $entries.Add([pscustomobject]@{ Uri = $uri.TrimEnd('/'); Suites = @($fields['Suites'] -split '\s+') })
            }
        }
    }
    $lists = @('/etc/apt/sources.list') + @(Get-ChildItem /etc/apt/sources.list.d/*.list -ErrorAction Ignore | ForEach-Object FullName)
    foreach ($line in $lists | Where-Object { Test-Path $_ } | ForEach-Object { Get-Content $_ }) {
        if ($line -match '^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s') {
            $entries.Add([pscustomobject]@{ Uri = $Matches[1].TrimEnd('/'); Suites = @($Matches[2]) })
        }
    }
    $entries
}

# The nodes' apt sources for -Suite: the host's Debian mirror (whatever suite the host runs) for <suite> and
# <suite>-updates, and its security archive for <suite>-security.
function Get-LabAptSource([string] $Suite) {
    $entries = @(Get-HostAptSource)
    $main = $entries | Where-Object { $_.Suites | Where-Object { $_ -notmatch '-(security|updates|backports)$' } } |
        Where-Object { $_.Uri -notmatch 'security' } | Select-Object -First 1
    if (-not $main) { throw "the host's apt sources name no Debian mirror" }
    $security = $entries | Where-Object { $_.Suites -match '-security$' } | Select-Object -First 1
    $text = "Types: deb`nURIs: $($main.Uri)`nSuites: $Suite $Suite-updates`nComponents: main`nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg`n"
    if ($security) {
        $text += "`nTypes: deb`nURIs: $($security.Uri)`nSuites: $Suite-security`nComponents: main`nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg`n"
    }
    else { Write-Warning "host: no security source on the host; nodes get none" }
    $hosts = @($main, $security | Where-Object { $_ } | ForEach-Object { ([uri]$_.Uri).Host } | Select-Object -Unique)
    [pscustomobject]@{ Suite = $Suite; Mirror = $main.Uri; Sources = $text; Hosts = $hosts }
}

# Customizes a fresh debootstrap tree (runs once per cached base; its text is part of the cache key).
function Initialize-LabBase([string] $Root, [string] $Sources) {
    Remove-Item "$Root/etc/ssh/ssh_host_*", "$Root/etc/apt/sources.list", "$Root/etc/hostname" -Force -ErrorAction Ignore
    Set-Content "$Root/etc/apt/sources.list.d/debian.sources" $Sources -NoNewline
    Set-Content "$Root/etc/ssh/sshd_config.d/hapg-lab.conf" "HostKey /etc/ssh/ssh_host_ed25519_key`nPasswordAuthentication no`nKbdInteractiveAuthentication no`nUseDNS no`n"
    Set-Content "$Root/etc/machine-id" '' -NoNewline
    New-Item -ItemType Directory -Force "$Root/etc/systemd/network" | Out-Null
    Invoke-LabNative chroot @($Root, 'systemctl', 'enable', 'systemd-networkd') | Out-Null
    # Nodes have a static address; waiting for "online" only delays boot.
    Invoke-LabNative chroot @($Root, 'systemctl', 'mask', 'systemd-networkd-wait-online.service') | Out-Null
    Invoke-LabNative chroot @($Root, 'useradd', '--create-home', '--shell', '/bin/bash', $script:AdminUser) | Out-Null
    Invoke-LabNative chroot @($Root, 'apt-get', 'clean') | Out-Null
}

# Returns the read-only base tree, building it (atomically) when the cache has none.
function Get-LabBase([object] $Apt) {
    $recipe = "$($Apt.Suite)|$($Apt.Mirror)|minbase|$($script:BasePackages -join ',')|$($Apt.Sources)|${function:Initialize-LabBase}"
    $hash = [System.BitConverter]::ToString([System.Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($recipe))).Replace('-', '').Substring(0, 16).ToLowerInvariant()
    $base = Join-Path $script:LabRoot "base-$hash"
    if (Test-Path "$base/etc/os-release") { Write-Verbose "base: cached $base"; return $base }
    # Temp trees of builds whose process is gone are debris.
    Get-ChildItem $script:LabRoot -Directory -Filter "base-*.tmp-*" -ErrorAction Ignore |
        Where-Object { -not (Test-Path "/proc/$(($_.Name -split '-')[-1])") } |
        ForEach-Object { Dismount-LabTree $_.FullName; Remove-Item $_.FullName -Recurse -Force }
    $temp = "$base.tmp-$PID"
    Write-Verbose "base: debootstrap $($Apt.Suite) from $($Apt.Mirror) into $temp"
    try {
        Invoke-LabNative debootstrap @('--variant=minbase', "--include=$($script:BasePackages -join ',')", $Apt.Suite, $temp, $Apt.Mirror) | Out-Null
        Initialize-LabBase $temp $Apt.Sources
        # rename(2) is atomic; a concurrent build that finished first wins and this tree is dropped.
        try { Rename-Item $temp $base } catch { if (-not (Test-Path "$base/etc/os-release")) { throw } }
    }
    finally {
        # A failed debootstrap can leave proc, sys or dev mounted inside the tree.
        Dismount-LabTree $temp
        Remove-Item $temp -Recurse -Force -ErrorAction Ignore
    }
    $base
}

function Get-SshFingerprint([string] $PublicKeyLine) {
    $blob = [Convert]::FromBase64String(($PublicKeyLine -split '\s+')[1])
    [Convert]::ToBase64String([System.Security.Cryptography.SHA256]::HashData($blob)).TrimEnd('=')
}

function Get-IPv4Address([string] $Subnet, [int] $Index) {
    $bytes = ([ipaddress]($Subnet -split '/')[0]).GetAddressBytes()
    $bytes[3] = [byte]$Index
    ([ipaddress]$bytes).ToString()
}

# Writes the node's identity into its overlay before first boot: hostname, machine id, host key,
# network, name resolution, keys for root and the admin user, the admin's sudo rule and password.
function Initialize-LabNode {
    param([object] $State, [object] $Node, [string] $Password)
    $root = (Get-LabNodePath $State.Name $Node.Name).Root
    $paths = Get-LabPath $State.Name
    Set-Content "$root/etc/hostname" $Node.Name
    Set-Content "$root/etc/machine-id" ([guid]::NewGuid().ToString('N'))
    Invoke-LabNative ssh-keygen @('-q', '-t', 'ed25519', '-N', '', '-C', "root@$($Node.Name)", '-f', "$root/etc/ssh/ssh_host_ed25519_key") | Out-Null
    $gateway = Get-IPv4Address $State.Subnet 1
    $dns = if ($State.Nameservers) { ($State.Nameservers | ForEach-Object { "DNS=$_" }) -join "`n" } else { '' }
    Set-Content "$root/etc/systemd/network/10-lab.network" @"
[Match]
Name=host0

[Network]
Address=$($Node.Address)/24
Gateway=$gateway
$dns
LinkLocalAddressing=no
IPv6AcceptRA=no
"@
    Set-Content "$root/etc/resolv.conf" (($State.Nameservers | ForEach-Object { "nameserver $_" }) -join "`n")
    $hosts = @("127.0.0.1`tlocalhost", "127.0.1.1`t$($Node.Name)") + @($State.Nodes | ForEach-Object { "$($_.Address)`t$($_.Name)" }) +
        @($State.MirrorHosts | ForEach-Object { "$($_.Address)`t$($_.Name)" })
    Set-Content "$root/etc/hosts" ($hosts -join "`n")
    $publicKey = Get-Content "$($paths.Key).pub" -Raw
    $sudoRule = if ($Node.AdminSudoRequiresPassword) { 'ALL=(ALL:ALL) ALL' } else { 'ALL=(ALL:ALL) NOPASSWD: ALL' }
    Set-Content "$root/etc/sudoers.d/hapg-lab" "$($script:AdminUser) $sudoRule"
    $script = @"
set -e
chmod 0440 /etc/sudoers.d/hapg-lab
for home in /root /home/$($script:AdminUser); do
  install -d -m 0700 `$home/.ssh
  printf '%s\n' '$($publicKey.Trim())' > `$home/.ssh/authorized_keys
  chmod 0600 `$home/.ssh/authorized_keys
done
chown -R $($script:AdminUser): /home/$($script:AdminUser)/.ssh
chpasswd
"@
    # chpasswd reads "user:password" from stdin, after the script's own lines.
    Invoke-LabNative chroot @($root, '/bin/sh', '-c', $script) -InputText "$($script:AdminUser):$Password" | Out-Null
}

function Get-LabNodePid([string] $Lab, [string] $Node) {
    $paths = Get-LabNodePath $Lab $Node
    if (-not (Test-Path $paths.Pid)) { return $null }
    $nspawn = [int](Get-Content $paths.Pid -Raw)
    # Gone, reused, or a zombie its new parent has not reaped yet: not running.
    $stat = Get-Content "/proc/$nspawn/stat" -Raw -ErrorAction Ignore
    if ("$stat" -notmatch '^\d+ \(systemd-nspawn\) [^Z]') { return $null }
    $init = (Get-Content "/proc/$nspawn/task/$nspawn/children" -Raw -ErrorAction Ignore) -split '\s+' | Where-Object { $_ } | Select-Object -First 1
    [pscustomobject]@{ Nspawn = $nspawn; Init = if ($init) { [int]$init } else { $null } }
}

# The host-side veth of a running node: the peer of the container's host0.
function Get-LabNodeHostLink([string] $Lab, [string] $Node) {
    $process = Get-LabNodePid $Lab $Node
    if (-not $process -or -not $process.Init) { return $null }
    $link = Invoke-LabNative nsenter @('-t', $process.Init, '-n', 'ip', '-o', 'link', 'show', 'host0')
    if ($link -notmatch 'host0@if(\d+)') { return $null }
    $index = $Matches[1]
    (Invoke-LabNative ip @('-o', 'link', 'show')) -split "`n" | ForEach-Object { if ($_ -match "^${index}:\s+([^:@]+)") { $Matches[1] } } | Select-Object -First 1
}

function Start-LabNodeProcess([object] $State, [string] $Node) {
    $paths = Get-LabNodePath $State.Name $Node
    $cgroup = Get-LabCgroup $State.Name $Node
    # A fresh node cgroup: nspawn creates payload/ and supervisor/ below it on every boot.
    foreach ($dir in $cgroup.All) { Remove-LabCgroupTree $dir -KeepRoot; New-Item -ItemType Directory -Force $dir | Out-Null }
    Remove-Item $paths.Pid -Force -ErrorAction Ignore
    Remove-Item "/run/systemd/nspawn/propagate/$($paths.Machine)" -Recurse -Force -ErrorAction Ignore
    $joinCgroups = ($cgroup.All | ForEach-Object { "echo `$`$ > '$_/cgroup.procs'" }) -join '; '
    $nspawn = "exec systemd-nspawn -q -D '$($paths.Root)' -M '$($paths.Machine)' --hostname='$Node' --boot --register=no --keep-unit " +
        "--network-bridge='$($State.Bridge)' --resolv-conf=off --link-journal=no --timezone=off"
    # The shell joins the node's cgroups, records its PID, then becomes systemd-nspawn.
    Invoke-LabNative setsid @('-f', '/bin/sh', '-c', "$joinCgroups; echo `$`$ > '$($paths.Pid)'; $nspawn >> '$($paths.Console)' 2>&1 < /dev/null") | Out-Null
}

# Waits until every named node answers SSH as root with its recorded host key.
function Wait-LabNodeSsh([object] $State, [string[]] $Node, [int] $TimeoutSeconds = 120) {
    $pending = [System.Collections.Generic.List[string]]::new([string[]]$Node)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($pending.Count -gt 0) {
        foreach ($name in @($pending)) {
            $address = ($State.Nodes | Where-Object Name -EQ $name).Address
            $answer = & ssh @(Get-LabSshOption $State) "root@$address" true 2>&1
            if ($LASTEXITCODE -eq 0) { Write-Verbose "${name}: answers SSH on $address"; $pending.Remove($name) | Out-Null }
        }
        if ($pending.Count -and [DateTime]::UtcNow -gt $deadline) { throw "no SSH answer within $TimeoutSeconds s from: $($pending -join ', ') (last: $answer)" }
        if ($pending.Count) { Start-Sleep -Milliseconds 300 }
    }
}

function Get-LabSshOption([object] $State) {
    $paths = Get-LabPath $State.Name
    @('-i', $paths.Key, '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=yes',
        '-o', "UserKnownHostsFile=$($paths.KnownHosts)", '-o', 'ConnectTimeout=2', '-o', 'LogLevel=ERROR')
}

function Read-LabState([string] $Lab) {
    $path = (Get-LabPath $Lab).State
    if (Test-Path $path) { Get-Content $path -Raw | ConvertFrom-Json }
}

function Get-LabNodeState([object] $State, [string] $Node) {
    $process = Get-LabNodePid $State.Name $Node
    if (-not $process) { return 'Stopped' }
    $events = Get-Content "$((Get-LabCgroup $State.Name $Node).Unified)/cgroup.events" -ErrorAction Ignore
    if ($events -contains 'frozen 1') { return 'Suspended' }
    $link = Get-LabNodeHostLink $State.Name $Node
    if ($link -and (Invoke-LabNative ip @('-o', 'link', 'show', $link)) -notmatch '[<,]UP[,>]') { return 'Disconnected' }
    'Running'
}

function ConvertTo-LabNode([object] $State, [object] $Node) {
    $paths = Get-LabPath $State.Name
    $result = [pscustomobject]@{
        PSTypeName = 'HaPgLab.Node'
        Name = $Node.Name; Address = $Node.Address; Port = 22; User = 'root'; KeyPath = $paths.Key
        HostKeySha256 = $Node.HostKeySha256; AdminUser = $script:AdminUser
        AdminSudoRequiresPassword = [bool]$Node.AdminSudoRequiresPassword; AdminSudoPassword = $null
        KnownHostsPath = $paths.KnownHosts; Lab = $State.Name; State = Get-LabNodeState $State $Node.Name
    }
    if ($Node.AdminSudoRequiresPassword) {
        $result.AdminSudoPassword = ConvertTo-SecureString (Get-Content $paths.Password -Raw).Trim() -AsPlainText -Force
    }
    $result
}

# Unmounts everything mounted at or below Dir, deepest first (before any recursive delete).
function Dismount-LabTree([string] $Dir) {
    $mounts = Get-Content /proc/self/mountinfo | ForEach-Object { ($_ -split ' ')[4] } |
        Where-Object { $_ -eq $Dir -or $_.StartsWith("$Dir/") } | Sort-Object Length -Descending
    foreach ($mount in $mounts) { Write-Verbose "host: unmount $mount"; Invoke-LabNative umount @('-l', $mount) | Out-Null }
}

# Removes everything a lab made; works from names alone, so it also clears leftovers without state.
function Remove-LabResource([string] $Lab) {
    $paths = Get-LabPath $Lab
    $cgroup = Get-LabCgroup $Lab
    if (Test-Path $cgroup.Unified) {
        foreach ($dir in Get-ChildItem $cgroup.Unified -Directory) {
            Write-Verbose "$($dir.Name): killing every process"
            Write-KernelFile "$($dir.FullName)/cgroup.freeze" '0'
            Write-KernelFile "$($dir.FullName)/cgroup.kill" '1'
        }
        $deadline = [DateTime]::UtcNow.AddSeconds(15)
        while ((Test-CgroupPopulated $cgroup.Unified) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
    }
    foreach ($dir in $cgroup.All) {
        Remove-LabCgroupTree $dir
        $parent = Split-Path $dir
        if ((Test-Path $parent) -and -not (Get-ChildItem $parent -Directory)) { [IO.Directory]::Delete($parent) }
    }
    Dismount-LabTree $paths.Dir
    if ((Invoke-LabNative ip @('link', 'show', $paths.Bridge) -AllowFailure) -and $LASTEXITCODE -eq 0) {
        Write-Verbose "host: delete bridge $($paths.Bridge)"; Invoke-LabNative ip @('link', 'del', $paths.Bridge) | Out-Null
    }
    Invoke-LabNative nft @('delete', 'table', 'inet', $paths.NftTable) -AllowFailure | Out-Null
    Get-ChildItem /run/systemd/nspawn/propagate -Directory -Filter "$Lab-node-*" -ErrorAction Ignore | Remove-Item -Recurse -Force
    Remove-Item $paths.Dir -Recurse -Force -ErrorAction Ignore
}

function Resolve-LabMirrorHost([string[]] $HostName) {
    foreach ($name in $HostName) {
        $addresses = @((Invoke-LabNative getent @('ahostsv4', $name)) -split "`n" | ForEach-Object { ($_ -split '\s+')[0] } | Where-Object { $_ } | Select-Object -Unique)
        if (-not $addresses) { throw "cannot resolve the package mirror $name" }
        [pscustomobject]@{ Name = $name; Address = $addresses[0]; All = $addresses }
    }
}

function Get-HostNameserver {
    @(Get-Content /etc/resolv.conf -ErrorAction Ignore | ForEach-Object { if ($_ -match '^\s*nameserver\s+(\d+\.\d+\.\d+\.\d+)\s*$') { $Matches[1] } } |
            Where-Object { -not $_.StartsWith('127.') })
}

# Bridge with the gateway address, and an nft table: nodes reach each other, the mirror on 80/443 and
# the host's resolvers on 53 through NAT, and nothing else outside the lab subnet.
function Initialize-LabNetwork([object] $State) {
    $bridge = $State.Bridge
    $gateway = Get-IPv4Address $State.Subnet 1
    $routed = Invoke-LabNative ip @('-4', '-o', 'route', 'show', 'to', 'match', $gateway)
    $conflict = $routed -split "`n" | Where-Object { $_ -and $_ -notmatch '^default ' }
    if ($conflict) { throw "subnet $($State.Subnet) is already routed on this host: $($conflict -join '; ')" }
    Invoke-LabNative ip @('link', 'add', $bridge, 'type', 'bridge') | Out-Null
    Invoke-LabNative ip @('addr', 'add', "$gateway/24", 'dev', $bridge) | Out-Null
    Invoke-LabNative ip @('link', 'set', $bridge, 'up') | Out-Null
    $mirror = ($State.MirrorHosts | ForEach-Object { $_.All } | Select-Object -Unique) -join ', '
    $dnsRule = if ($State.Nameservers) { "iifname `"$bridge`" ip daddr { $($State.Nameservers -join ', ') } meta l4proto { tcp, udp } th dport 53 accept" } else { '' }
    $ruleset = @"
table inet $($State.NftTable) {
  chain forward {
    type filter hook forward priority 0; policy accept;
    iifname "$bridge" oifname "$bridge" accept
    iifname "$bridge" ip daddr { $mirror } tcp dport { 80, 443 } accept
    $dnsRule
    iifname "$bridge" drop
    oifname "$bridge" ct state established,related accept
    oifname "$bridge" drop
  }
  chain input {
    type filter hook input priority 0; policy accept;
    iifname "$bridge" ip daddr != $gateway drop
  }
  chain postrouting {
    type nat hook postrouting priority 100; policy accept;
    ip saddr $($State.Subnet) oifname != "$bridge" masquerade
  }
}
"@
    Invoke-LabNative nft @('-f', '-') -InputText $ruleset | Out-Null
    if ((Get-Content /proc/sys/net/ipv4/ip_forward -Raw).Trim() -ne '1') {
        Write-Verbose 'host: net.ipv4.ip_forward=1'
        Write-KernelFile /proc/sys/net/ipv4/ip_forward '1'
    }

    # Every node's systemd holds several inotify instances, all counted against root on the host: the default 128
    # runs out at about 25 nodes, and new nodes then boot without sshd. Raised, never lowered.
    $inotify = '/proc/sys/fs/inotify/max_user_instances'
    if ([int](Get-Content $inotify -Raw).Trim() -lt 8192) {
        Write-Verbose 'host: fs.inotify.max_user_instances=8192'
        Write-KernelFile $inotify '8192'
    }
}
