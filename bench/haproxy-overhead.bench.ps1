#requires -Version 7.2
<#
.SYNOPSIS
    HAProxy's cost in front of PostgreSQL: pgbench select-only (-S) from this host through HAProxy's 5000 and straight
    to the leader's 5432, in alternating rounds of the same run. Prints median TPS each way and the ratio (target >= 0.85).
.DESCRIPTION
    Builds a Default-profile cluster in its own 5-node lab (or -Reuse a running one, e.g. failover.bench.ps1 -KeepLab's),
    initializes pgbench (-i -s 10) through 5000, and runs -Rounds x (-Seconds through 5000, then -Seconds direct) for
    each -Placement of the processes on this host's CPUs:
    - Isolated: the leader node alone on the last CPU, as a database server has its own machine; pgbench, HAProxy and
      the other nodes share the others. This is what the target is judged on.
    - Shared: every process on every CPU, as the lab runs by default: pgbench, HAProxy and PostgreSQL compete for the
      same cores, so each byte HAProxy forwards is taken from the database's CPU time.
    Affinity is put back to every CPU at the end, and the pgbench tables dropped. The password is only in the pgbench
    process's environment. Raw results go to out/bench/haproxy-overhead-<time>.json. Needs root (the lab), pgbench
    and taskset on this host, at least 2 CPUs for Isolated, and the built module.
.EXAMPLE
    dotnet pwsh ./bench/haproxy-overhead.bench.ps1 -Lab benchd -Reuse -KeepLab
#>
[CmdletBinding()]
param(
    [ValidatePattern('^[a-z][a-z0-9]{0,11}$')] [string] $Lab = 'benchh',
    [ValidateRange(1, 50)] [int] $Rounds = 5,
    [ValidateRange(5, 600)] [int] $Seconds = 20,
    [ValidateRange(1, 64)] [int] $Clients = 8,
    [ValidateRange(1, 64)] [int] $Threads = 2,
    [ValidateRange(1, 1000)] [int] $Scale = 10,
    [ValidateSet('Isolated', 'Shared')] [string[]] $Placement = @('Isolated', 'Shared'),
    # Use a running lab of that name (re-running the idempotent pipeline) instead of building a new one.
    [switch] $Reuse,
    [switch] $KeepLab
)

. (Join-Path $PSScriptRoot 'BenchCluster.ps1')
if (-not (Get-Command pgbench -CommandType Application -ErrorAction Ignore)) {
    throw 'pgbench is missing on this host: apt-get install postgresql-client (Debian) or postgresql-contrib'
}
$cpuCount = [Environment]::ProcessorCount
if ($Placement -contains 'Isolated' -and $cpuCount -lt 2) { throw "Isolated needs at least 2 CPUs; this host has $cpuCount" }
$allCpus = "0-$($cpuCount - 1)"
$leaderCpu = "$($cpuCount - 1)"
$otherCpus = if ($cpuCount -gt 2) { "0-$($cpuCount - 2)" } else { '0' }

function Set-BenchPlacement($Inventory, [string] $LeaderName, [string] $Name) {
    foreach ($node in $Inventory.Nodes) {
        $cpus = if ($Name -eq 'Shared') { $allCpus } elseif ($node.Name -eq $LeaderName) { $leaderCpu } else { $otherCpus }
        Set-BenchNodeCpu $Lab $node.Name $cpus
    }
}

$clock = [Diagnostics.Stopwatch]::StartNew()
try {
    $inventory = New-BenchCluster -Lab $Lab -Reuse:$Reuse
    $proxy = Get-BenchProxyAddress $inventory
    $leader = Get-BenchLeaderAddress $inventory
    $leaderName = ($inventory.Nodes | Where-Object Address -EQ $leader).Name
    "$(Get-Date -Format 'HH:mm:ss') cluster $Lab ready; HAProxy $proxy`:5000, leader $leaderName $leader`:5432; $cpuCount CPUs"

    $init = Invoke-BenchPgbench $inventory $proxy 5000 @('-i', '-q', '-s', "$Scale")
    if ($init.ExitCode) { throw "pgbench -i failed: $($init.Output)" }
    $runs = try {
        foreach ($round in 1..$Rounds) {
            foreach ($place in $Placement) {
                Set-BenchPlacement $inventory $leaderName $place
                $clientCpus = if ($place -eq 'Shared') { $null } else { $otherCpus }
                foreach ($way in @(@{ Path = 'HAProxy :5000'; Address = $proxy; Port = 5000 }, @{ Path = 'direct :5432'; Address = $leader; Port = 5432 })) {
                    $run = Invoke-BenchPgbench $inventory $way.Address $way.Port @('-S', '-n', '-c', "$Clients", '-j', "$Threads", '-T', "$Seconds") $clientCpus
                    $tps = if ($run.Output -match 'tps = ([\d.]+) \(without initial connection time\)') { [double]$Matches[1] }
                    if ($run.ExitCode -or $null -eq $tps) { throw "pgbench via $($way.Path) failed (exit $($run.ExitCode)): $($run.Output)" }
                    $latency = if ($run.Output -match 'latency average = ([\d.]+) ms') { [double]$Matches[1] }
                    "$(Get-Date -Format 'HH:mm:ss') round $round $place $($way.Path): $tps tps, $latency ms" | Write-Host
                    [pscustomobject]@{ Round = $round; Placement = $place; Path = $way.Path; Tps = $tps; LatencyMs = $latency }
                }
            }
        }
    }
    finally {
        Set-BenchPlacement $inventory $leaderName 'Shared'
        $drop = Invoke-BenchPgbench $inventory $proxy 5000 @('-i', '-I', 'd')
        if ($drop.ExitCode) { Write-Warning "dropping the pgbench tables failed: $($drop.Output)" }
    }
}
finally {
    if (-not $KeepLab) { Remove-HaPgLab -Name $Lab | Out-Null }
}

$path = New-BenchOutputPath 'haproxy-overhead'
ConvertTo-Json -InputObject @($runs) | Set-Content $path
"pgbench -S -c $Clients -j $Threads -T $Seconds, scale $Scale, $Rounds alternating rounds; raw: $path"
$summary = foreach ($place in $Placement) {
    $placed = @($runs | Where-Object Placement -EQ $place)
    $viaProxy = Get-Median ($placed | Where-Object Path -EQ 'HAProxy :5000').Tps
    $direct = Get-Median ($placed | Where-Object Path -EQ 'direct :5432').Tps
    $ratio = [math]::Round($viaProxy / $direct, 3)
    [pscustomobject]@{
        Placement             = $place
        'HAProxy median TPS'  = [math]::Round($viaProxy)
        'Direct median TPS'   = [math]::Round($direct)
        'HAProxy latency ms'  = Get-Median ($placed | Where-Object Path -EQ 'HAProxy :5000').LatencyMs
        'Direct latency ms'   = Get-Median ($placed | Where-Object Path -EQ 'direct :5432').LatencyMs
        Ratio                 = $ratio
        Target                = if ($place -eq 'Isolated') { ">= 0.85: $(if ($ratio -ge 0.85) { 'met' } else { 'NOT met' })" } else { 'reference' }
    }
}
$summary | Format-Table -AutoSize | Out-String -Width 120
"Total: $([math]::Round($clock.Elapsed.TotalMinutes, 1)) min"
