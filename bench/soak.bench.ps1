#requires -Version 7.2
<#
.SYNOPSIS
    No false failover on slow links: a Default-profile cluster with impaired links on every database node, a write load
    through HAProxy for -Minutes, and Get-HaPgCluster every 5 s. Reports leader and timeline changes (target 0) and
    failed writes.
.DESCRIPTION
    The impairment is tc netem (delay -Delay) on host0 of every database node. Where the kernel has no sch_netem (this
    lab host's kernel has none), it falls back to dropping -LossPercent % of every outgoing packet with nftables
    (numgen random), which makes TCP retransmit (200 ms+ stalls). Either is removed in finally.
    The load is pgbench -n -c 2 -j 2 -R -Rate (inserts into hapg_soak) through HAProxy :5000; a dropped session aborts
    its client (counted as a write error) and a new pgbench takes over for the time left. HAProxy's own log of server
    state changes is read from the proxy node's journal. Raw samples go to out/bench/soak-<time>.json.
    Needs root (the lab) and pgbench on this host.
.EXAMPLE
    dotnet pwsh ./bench/soak.bench.ps1 -Minutes 10
#>
[CmdletBinding()]
param(
    [ValidatePattern('^[a-z][a-z0-9]{0,11}$')] [string] $Lab = 'soak',
    [ValidateRange(1, 600)] [int] $Minutes = 10,
    # Inserts per second through HAProxy (pgbench -R).
    [ValidateRange(1, 1000)] [int] $Rate = 20,
    [ValidatePattern('^\d+ms( \d+ms)?$')] [string] $Delay = '50ms 10ms',
    [ValidateRange(1, 50)] [int] $LossPercent = 5,
    [ValidateRange(1, 60)] [int] $PollSeconds = 5,
    [switch] $Reuse,
    [switch] $KeepLab
)

. (Join-Path $PSScriptRoot 'BenchCluster.ps1')

# Round-trip time and loss between two database nodes, as ping sees it.
function Measure-BenchLink($From, $To) {
    (Invoke-HaPgLabCommand -Lab $Lab -Name $From.Name -Command "ping -q -c 100 -i 0.05 $($To.Address) | tail -2 | tr '\n' ' '").Output.Trim()
}

function Set-BenchImpairment($Node) {
    $netem = Invoke-HaPgLabCommand -Lab $Lab -Name $Node.Name -Command "tc qdisc replace dev host0 root netem delay $Delay 2>&1; echo rc=`$?"
    if ($netem.Output -match 'rc=0') { return "netem delay $Delay" }
    $nft = "nft 'add table inet hapg_soak; add chain inet hapg_soak out { type filter hook output priority 0 ; }; " +
        "add rule inet hapg_soak out numgen random mod 100 < $LossPercent counter drop' 2>&1; echo rc=`$?"
    $loss = Invoke-HaPgLabCommand -Lab $Lab -Name $Node.Name -Command $nft
    if ($loss.Output -notmatch 'rc=0') { throw "$($Node.Name): neither netem ($($netem.Output.Trim())) nor nft loss worked: $($loss.Output.Trim())" }
    "no sch_netem in the kernel: $LossPercent % of outgoing packets dropped (nft numgen)"
}

# Packets the nft fallback dropped on the node (empty with netem).
function Get-BenchDropped($Node) {
    $counter = Invoke-HaPgLabCommand -Lab $Lab -Name $Node.Name -Command "nft list chain inet hapg_soak out 2>/dev/null | grep -o 'packets [0-9]*'"
    if ($counter.Output -match 'packets (\d+)') { "$($Node.Name)=$($Matches[1])" }
}

function Clear-BenchImpairment($Node) {
    Invoke-HaPgLabCommand -Lab $Lab -Name $Node.Name -Command 'tc qdisc del dev host0 root 2>/dev/null; nft delete table inet hapg_soak 2>/dev/null; true' | Out-Null
}

# HAProxy's own log of server state changes (journald on the proxy node) since the load started.
function Get-BenchHaproxyTransition($Node, [long] $Since) {
    $log = Invoke-HaPgLabCommand -Lab $Lab -Name $Node.Name -Command "journalctl --no-pager -o short-precise --since @$Since | grep -E '\[(WARNING|ALERT)\].*(Server .* is (DOWN|UP)|has no server available)'"
    @($log.Output -split "`n" | Where-Object { $_.Trim() })
}

function Invoke-BenchPsql($Inventory, [string] $Address, [string] $Sql) {
    $run = Wait-BenchProcess (Start-BenchClient 'psql' $Inventory $Address 5000 @('-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-c', $Sql))
    if ($run.ExitCode) { throw "psql failed: $($run.Output)" }
    $run.Output.Trim()
}

$clock = [Diagnostics.Stopwatch]::StartNew()
$database = @()
$sqlFile = New-TemporaryFile
try {
    $inventory = New-BenchCluster -Lab $Lab -Reuse:$Reuse
    $proxy = Get-BenchProxyAddress $inventory
    $database = @($inventory.Nodes | Where-Object { $_.Roles -match 'Postgres' })
    Invoke-BenchPsql $inventory $proxy 'create table if not exists hapg_soak(id bigserial primary key, at timestamptz not null default clock_timestamp())' | Out-Null
    Set-Content $sqlFile 'insert into hapg_soak default values;'

    $linkBefore = Measure-BenchLink $database[0] $database[1]
    $impairment = foreach ($node in $database) { Set-BenchImpairment $node }
    $impairment = @($impairment | Select-Object -Unique) -join '; '
    $linkDuring = Measure-BenchLink $database[0] $database[1]
    "$(Get-Date -Format 'HH:mm:ss') $Lab`: $impairment on $($database.Name -join ', ')" | Write-Host
    "  ping $($database[0].Name) -> $($database[1].Name) before: $linkBefore" | Write-Host
    "  ping $($database[0].Name) -> $($database[1].Name) during: $linkDuring" | Write-Host

    $loadStart = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    $deadline = (Get-Date).AddMinutes($Minutes)
    $samples = [Collections.Generic.List[object]]::new()
    # pgbench ends a client at its first error: a new pgbench takes over for the time left, so the load lasts -Minutes.
    $loads = [Collections.Generic.List[object]]::new()
    $load = $null
    while ($true) {
        if (-not $load -or $load.HasExited) {
            if ($load) { $loads.Add((Wait-BenchProcess $load)) }
            $left = [int]($deadline - (Get-Date)).TotalSeconds
            if ($left -lt 2) { $load = $null; break }
            if ($load) { "$(Get-Date -Format 'HH:mm:ss') pgbench ended early (exit $($loads[-1].ExitCode)); restarting for $left s" | Write-Host }
            $load = Start-BenchClient 'pgbench' $inventory $proxy 5000 @('-n', '-c', '2', '-j', '2', '-R', "$Rate", '-T', "$left", '-P', '60', '-f', $sqlFile.FullName)
        }
        $at = Get-Date
        $members = @($inventory | Get-HaPgCluster -ErrorAction SilentlyContinue -ErrorVariable pollFailed)
        $leader = $members | Where-Object Role -EQ 'leader' | Select-Object -First 1
        $samples.Add([pscustomobject]@{
                Time = $at.ToString('HH:mm:ss'); Leader = $leader.Member; Timeline = $leader.Timeline
                Members = ($members | ForEach-Object { "$($_.Member)=$($_.Role)/$($_.State)/tl$($_.Timeline)/lag$($_.LagBytes)" }) -join ' '
                Error = ($pollFailed | ForEach-Object { "$_" }) -join '; '
            })
        $rest = $PollSeconds - ((Get-Date) - $at).TotalSeconds
        if ($rest -gt 0) { $load.WaitForExit([int]($rest * 1000)) | Out-Null }
    }
    $proxyNode = $inventory.Nodes | Where-Object Address -EQ $proxy
    $transitions = Get-BenchHaproxyTransition $proxyNode $loadStart
    $rows = foreach ($try in 1..5) {
        try { Invoke-BenchPsql $inventory $proxy 'select count(*) from hapg_soak'; break } catch { Write-Warning "count try ${try}: $_"; Start-Sleep 3 }
    }
}
finally {
    $dropped = @(foreach ($node in $database) { Get-BenchDropped $node }) -join ' '
    foreach ($node in $database) { Clear-BenchImpairment $node }
    if ($database) { try { Invoke-BenchPsql $inventory $proxy 'drop table if exists hapg_soak' | Out-Null } catch { Write-Warning "$_" } }
    Remove-Item $sqlFile -ErrorAction Ignore
    if (-not $KeepLab) { Remove-HaPgLab -Name $Lab | Out-Null }
}

function Measure-Change([object[]] $Values) {
    $known = @($Values | Where-Object { $null -ne $_ -and "$_" -ne '' })
    @(for ($i = 1; $i -lt $known.Count; $i++) { if ("$($known[$i])" -ne "$($known[$i - 1])") { 1 } }).Count
}
function Measure-Pgbench([string] $Pattern) {
    ($loads | ForEach-Object { if ($_.Output -match $Pattern) { [double]$Matches[1] } } | Measure-Object -Sum).Sum
}
$processed = [int](Measure-Pgbench 'number of transactions actually processed: (\d+)')
$failedTx = [int](Measure-Pgbench 'number of failed transactions: (\d+)')
$aborted = ($loads | ForEach-Object { [regex]::Matches($_.Output, 'client \d+ aborted').Count } | Measure-Object -Sum).Sum
$latency = Get-Median ($loads | ForEach-Object { if ($_.Output -match 'latency average = ([\d.]+) ms') { [double]$Matches[1] } })
$summary = [pscustomobject]@{
    Minutes = $Minutes; Impairment = $impairment; DroppedPackets = $dropped; PingBefore = $linkBefore; PingDuring = $linkDuring
    Polls = $samples.Count; PollsWithoutLeader = @($samples | Where-Object { -not $_.Leader }).Count
    LeaderChanges = Measure-Change $samples.Leader; TimelineChanges = Measure-Change $samples.Timeline
    Leaders = (@($samples.Leader | Where-Object { $_ } | Select-Object -Unique) -join ', ')
    Timelines = (@($samples.Timeline | Where-Object { $null -ne $_ } | Select-Object -Unique) -join ', ')
    WritesProcessed = $processed; WritesFailed = $failedTx; ClientsAborted = $aborted; PgbenchRuns = $loads.Count
    PgbenchExit = ($loads.ExitCode -join ','); RowsWritten = $rows; LatencyMsAvg = $latency
    HaproxyDown = @($transitions | Where-Object { $_ -match 'is DOWN' }).Count
    HaproxyPrimaryDown = @($transitions | Where-Object { $_ -match 'Server primary/.* is DOWN' }).Count
}
$path = New-BenchOutputPath 'soak'
ConvertTo-Json -InputObject @{ Summary = $summary; Samples = $samples; Pgbench = @($loads.Output); Haproxy = $transitions } -Depth 4 | Set-Content $path
"Soak of $Minutes min on lab $Lab, load pgbench -c 2 -R $Rate through HAProxy :5000; raw: $path"
$summary | Format-List | Out-String -Width 120
"Leader changes $($summary.LeaderChanges) (target 0), timeline changes $($summary.TimelineChanges) (target 0), write errors $($failedTx + $aborted) ($($loads.Count) pgbench run(s), exit $($summary.PgbenchExit))"
$samples | Where-Object Error | ForEach-Object { "  poll $($_.Time): $($_.Error)" }
"HAProxy server state changes (journal on $($proxyNode.Name)):"
$transitions | ForEach-Object { "  $_" }
"pgbench:"
$loads.Output -split "`n" | Where-Object { $_ -match 'progress|aborted|error|processed|failed|latency|tps' } | ForEach-Object { "  $_" }
"Total: $([math]::Round($clock.Elapsed.TotalMinutes, 1)) min"
