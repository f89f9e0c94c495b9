# Shared by the *.bench.ps1 scripts (dot-source it): a lab cluster from scratch, pgbench with the password in its own
# environment only, and medians. Needs root (the lab) and the built module (dotnet pwsh ./build.ps1 -Task Build).

$ErrorActionPreference = 'Stop'
$benchRoot = Split-Path $PSScriptRoot
Import-Module (Join-Path $benchRoot 'out/HaPg/0.1.0/HaPg.psd1') -Force
Import-Module (Join-Path $benchRoot 'tests/lab/HaPgLab.psd1') -Force

# A 5-node lab in the recipe's layout (PostgreSQL on node-1..3, etcd on node-4, HAProxy on node-5) running the whole
# pipeline. -Reuse keeps a running lab of that name and re-runs the (idempotent) pipeline on it.
function New-BenchCluster {
    param(
        [Parameter(Mandatory)] [string] $Lab,
        [ValidateSet('Default', 'Recipe')] [string] $TimingProfile = 'Default',
        [ValidateSet('Off', 'On', 'Strict')] [string] $SynchronousMode = 'Off',
        [switch] $Reuse
    )
    $nodes = @(if ($Reuse) { Get-HaPgLab -Name $Lab | Where-Object State -EQ 'Running' })
    # One retry: on this shared 2-core host a boot storm can outlast New-HaPgLab's 120 s SSH wait.
    if ($nodes.Count -ne 5) { $nodes = @(try { New-HaPgLab -Name $Lab -NodeCount 5 } catch { Write-Warning "$_; retrying"; New-HaPgLab -Name $Lab -NodeCount 5 }) }
    $subnet = ($nodes[0].Address -replace '\.\d+$', '.0') + '/24'
    $inventory = $nodes | New-HaPgInventory -ClusterName $Lab -KnownHostsPath $nodes[0].KnownHostsPath -ClientNetwork $subnet `
        -WarningAction SilentlyContinue
    $inventory | Set-HaPgFirewall -ErrorVariable +failed -ErrorAction Continue |
        Install-HaPgEtcd -ErrorVariable +failed -ErrorAction Continue |
        Install-HaPgPatroni -ErrorVariable +failed -ErrorAction Continue |
        Set-HaPgPatroniConfig -Profile $TimingProfile -SynchronousMode $SynchronousMode -ErrorVariable +failed -ErrorAction Continue |
        Install-HaPgHaproxy -Profile $TimingProfile -ErrorVariable +failed -ErrorAction Continue | Out-Null
    if ($failed) { throw "lab ${Lab}: the cluster pipeline failed: $(($failed | ForEach-Object { "$_" }) -join '; ')" }
    $inventory
}

# Address of the node named by Get-HaPgCluster's current leader.
function Get-BenchLeaderAddress($Inventory) {
    $leader = ($Inventory | Get-HaPgCluster | Where-Object Role -EQ 'leader' | Select-Object -First 1).Member
    if (-not $leader) { throw "cluster $($Inventory.ClusterName): no leader" }
    ($Inventory.Nodes | Where-Object Name -EQ $leader).Address
}

function Get-BenchProxyAddress($Inventory) {
    ($Inventory.Nodes | Where-Object { $_.Roles -match 'Haproxy' } | Select-Object -First 1).Address
}

# Starts pgbench or psql as the cluster's application role (hapg_app) on database postgres, over TLS verified against the
# cluster CA (PGSSLMODE=verify-full); PGPASSWORD lives only in that process's environment. Returns the process; Wait-BenchProcess collects its output.
# -Cpus (taskset's list, e.g. '0') runs the client on those CPUs only.
function Start-BenchClient([ValidateSet('pgbench', 'psql')] [string] $Program, $Inventory, [string] $Address, [int] $Port, [string[]] $Arguments, [string] $Cpus) {
    $path = (Get-Command $Program -CommandType Application)[0].Source
    $info = if ($Cpus) { [Diagnostics.ProcessStartInfo]::new('taskset') } else { [Diagnostics.ProcessStartInfo]::new($path) }
    if ($Cpus) { $info.ArgumentList.Add('-c'); $info.ArgumentList.Add($Cpus); $info.ArgumentList.Add($path) }
    foreach ($argument in @('-h', $Address, '-p', "$Port", '-U', 'hapg_app') + $Arguments + @('postgres')) { $info.ArgumentList.Add($argument) }
    $info.Environment['PGPASSWORD'] = [Net.NetworkCredential]::new('', $Inventory.Secrets.ApplicationPassword).Password
    $ca = Join-Path ([IO.Path]::GetTempPath()) "hapg-bench-ca-$($Inventory.ClusterName).crt"
    Set-Content -LiteralPath $ca -Value $Inventory.Secrets.CaCertificatePem -NoNewline
    $info.Environment['PGSSLMODE'] = 'verify-full'
    $info.Environment['PGSSLROOTCERT'] = $ca
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($info)
    $process | Add-Member -NotePropertyName Stdout -NotePropertyValue $process.StandardOutput.ReadToEndAsync()
    $process | Add-Member -NotePropertyName Stderr -NotePropertyValue $process.StandardError.ReadToEndAsync() -PassThru
}

function Wait-BenchProcess($Process) {
    $Process.WaitForExit()
    [pscustomobject]@{ ExitCode = $Process.ExitCode; Output = $Process.Stdout.Result + $Process.Stderr.Result }
}

function Invoke-BenchPgbench($Inventory, [string] $Address, [int] $Port, [string[]] $Arguments, [string] $Cpus) {
    Wait-BenchProcess (Start-BenchClient 'pgbench' $Inventory $Address $Port $Arguments $Cpus)
}

# Pins every process of a lab node (threads too) to -Cpus (taskset's list); children inherit it.
function Set-BenchNodeCpu([string] $Lab, [string] $Node, [string] $Cpus) {
    $dirs = @(@("/sys/fs/cgroup/unified/hapg-lab/$Lab/$Node", "/sys/fs/cgroup/hapg-lab/$Lab/$Node") | Where-Object { Test-Path $_ })
    if (-not $dirs) { throw "lab ${Lab}: no cgroup for $Node" }
    $processes = Get-ChildItem $dirs[0] -Recurse -Filter cgroup.procs | Get-Content | Where-Object { $_ }
    foreach ($process in $processes) { & taskset -a -p -c $Cpus $process *> $null }
}

function Get-Median([object[]] $Values) {
    # Missing values (a run that never got there) may arrive as empty objects from a job or JSON: skip them.
    $sorted = @($Values | Where-Object { $_ -is [ValueType] } | ForEach-Object { [double]$_ } | Sort-Object)
    if ($sorted.Count -eq 0) { return $null }
    $middle = [math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
}

function New-BenchOutputPath([string] $Kind) {
    $dir = Join-Path $benchRoot 'out/bench'
    New-Item -ItemType Directory -Force $dir | Out-Null
    Join-Path $dir "$Kind-$(Get-Date -Format 'yyyyMMdd-HHmmss').json"
}
