#requires -Version 7.2
<#
.SYNOPSIS
    The fault matrix: every Test-HaPgFailover scenario -Repeat times, in asynchronous and in strict synchronous mode, on one
    lab cluster. A benchmark, not a test: it prints one row per scenario and mode beside the targets.
.DESCRIPTION
    A lab (-Suite, Debian 13 by default) with three etcd members, so one can be lost, and the Default profile. -Topology
    DedicatedEtcd (6 nodes): PostgreSQL on node-1..3, etcd on node-4..6, HAProxy on node-4. SharedEtcd (4 nodes):
    PostgreSQL and etcd on node-1..3, HAProxy on node-4. HighAvailability (5 nodes): New-HaPgInventory -Layout
    HighAvailability, HAProxy and keepalived on node-4 and node-5 behind the lab's .50, for HaproxyStop and HaproxyNodeLoss. Every round runs every scenario once in asynchronous mode; then the cluster
    is switched to -SynchronousMode Strict (a dynamic change) and the rounds run again. NodeHardStop and NodeFreeze use
    the lab's Stop-/Start-HaPgLabNode -Kill and Suspend-/Resume-HaPgLabNode. A run that fails leaves the cluster as it was
    found only if it heals by itself: before the next run, replicas HaPg names diverged (or not streaming after 45 s)
    are rebuilt with Repair-HaPgReplica, and that repair is counted in the row.
    Per row: runs and passed; median and max write downtime; acknowledged writes, and lost acknowledged writes in total;
    split brain seen; replicas left diverged; repairs needed. Targets: 0 lost in strict mode, 0 split brain, every Isolate
    and NodeFreeze run passed.
    Raw results go to out/bench/fault-matrix-<time>.json, the HTML report of every run (Export-HaPgFailoverReport) beside it
    as .html, and progress to out/bench/fault-matrix.log.
    Needs root (the lab) and the built module.
.EXAMPLE
    dotnet pwsh ./bench/fault-matrix.bench.ps1 -Repeat 10
.EXAMPLE
    dotnet pwsh ./bench/fault-matrix.bench.ps1 -Repeat 1 -Scenario Crash, Isolate -Mode Strict
.EXAMPLE
    dotnet pwsh ./bench/fault-matrix.bench.ps1 -Topology HighAvailability -Repeat 5 -Scenario HaproxyStop, HaproxyNodeLoss -Mode Strict
#>
[CmdletBinding(DefaultParameterSetName = 'Run')]
param(
    [ValidateRange(1, 100)] [int] $Repeat = 10,
    [ValidateSet('Switchover', 'StopPatroni', 'Crash', 'Isolate', 'ReplicaCrash', 'EtcdMemberLoss', 'NodeHardStop', 'NodeFreeze', 'HaproxyStop', 'HaproxyNodeLoss')]
    [string[]] $Scenario = @('Switchover', 'StopPatroni', 'Crash', 'Isolate', 'ReplicaCrash', 'EtcdMemberLoss', 'NodeHardStop', 'NodeFreeze'),
    [ValidateSet('Async', 'Strict')] [string[]] $Mode = @('Async', 'Strict'),
    [ValidateSet('trixie', 'bookworm')] [string] $Suite = 'trixie',
    # DedicatedEtcd: PostgreSQL on node-1..3, etcd on node-4..6, HAProxy on node-4. SharedEtcd: etcd on the PostgreSQL nodes.
    # HighAvailability (5 nodes): New-HaPgInventory -Layout HighAvailability, HAProxy and keepalived on node-4 and node-5 behind .50.
    [ValidateSet('DedicatedEtcd', 'SharedEtcd', 'HighAvailability')] [string] $Topology = 'DedicatedEtcd',
    # HighAvailability only: seconds between VRRP adverts (Install-HaPgHaproxy -VrrpAdvertInterval; below 1 s, VRRPv3).
    [ValidateRange(0.1, 10.0)] [double] $VrrpAdvertInterval = 1,
    [ValidatePattern('^[a-z][a-z0-9]{0,11}$')] [string] $Lab = 'matrix',
    [switch] $KeepLab,
    # Only print the table again from an earlier run's raw JSON.
    [Parameter(ParameterSetName = 'Summary', Mandatory)] [string] $FromJson
)

. (Join-Path $PSScriptRoot 'BenchCluster.ps1')

function ConvertTo-Seconds($Span) { if ($null -ne $Span) { [math]::Round($Span.TotalSeconds, 2) } else { $null } }

# Rebuilds what a failed run left diverged or not streaming; returns the nodes repaired.
function Repair-BenchCluster($Inventory) {
    $repairFrom = (Get-Date).AddSeconds(45)
    $deadline = (Get-Date).AddSeconds(240)
    $repaired = @()
    do {
        $failed = @($Inventory | Test-HaPgCluster -ErrorAction SilentlyContinue | Where-Object { -not $_.Passed })
        if ($failed.Count -eq 0) { return $repaired }
        $stuck = @($failed | Where-Object { $_.Name -eq 'ReplicaStreaming' -and ($_.Detail -match 'diverged' -or (Get-Date) -gt $repairFrom) } | ForEach-Object Node)
        if ($stuck) { $Inventory | Repair-HaPgReplica -Node $stuck -Confirm:$false -ErrorAction SilentlyContinue | Out-Null; $repaired += $stuck }
        Start-Sleep 3
    } while ((Get-Date) -lt $deadline)
    throw "lab ${Lab}: the cluster is still unhealthy: $(($failed | ForEach-Object { "$_" }) -join '; ')"
}

function Get-BenchRole([string] $Node) {
    $number = [int]($Node -replace '^node-')
    if ($Topology -eq 'SharedEtcd') { if ($number -eq 4) { 'Haproxy' } else { 'Postgres', 'Etcd' } }
    elseif ($number -le 3) { 'Postgres' }
    elseif ($number -eq 4) { 'Haproxy', 'Etcd' }
    else { 'Etcd' }
}

$clock = [Diagnostics.Stopwatch]::StartNew()
if ($FromJson) {
    $path = $FromJson
    $rows = @(Get-Content $FromJson -Raw | ConvertFrom-Json)
}
else {
    $log = Join-Path $benchRoot 'out/bench/fault-matrix.log'
    New-Item -ItemType Directory -Force (Split-Path $log) | Out-Null
    $nodes = New-HaPgLab -Name $Lab -NodeCount ($(switch ($Topology) { 'DedicatedEtcd' { 6 } 'HighAvailability' { 5 } default { 4 } })) -Suite $Suite
    $rows = [System.Collections.Generic.List[object]]::new()
    $results = [System.Collections.Generic.List[object]]::new()
    try {
        $subnet = ($nodes[0].Address -replace '\.\d+$', '.0') + '/24'
        $inventory = if ($Topology -eq 'HighAvailability') {
            $nodes | Select-Object Name, Address, Port, User, KeyPath, HostKeySha256 |
                New-HaPgInventory -ClusterName $Lab -Layout HighAvailability -VirtualIP (($nodes[0].Address -replace '\.\d+$', '.50') + '/24') `
                    -KnownHostsPath $nodes[0].KnownHostsPath -ClientNetwork $subnet -WarningAction SilentlyContinue
        }
        else {
            $nodes | Select-Object Name, Address, Port, User, KeyPath, HostKeySha256, @{ n = 'Role'; e = { Get-BenchRole $_.Name } } |
                New-HaPgInventory -ClusterName $Lab -KnownHostsPath $nodes[0].KnownHostsPath -ClientNetwork $subnet -WarningAction SilentlyContinue
        }
        $inventory | Set-HaPgFirewall | Install-HaPgEtcd | Install-HaPgPatroni -WarningAction SilentlyContinue |
            Set-HaPgPatroniConfig -AllowKnownDataLoss:($Suite -eq 'bookworm') -WarningAction SilentlyContinue |
            Install-HaPgHaproxy -VrrpAdvertInterval $VrrpAdvertInterval -WarningAction SilentlyContinue | Out-Null
        $faults = @{
            NodeHardStop = @{ InjectFault = { param($Node) Stop-HaPgLabNode -Lab $Lab -Name $Node -Kill }.GetNewClosure(); HealFault = { param($Node) Start-HaPgLabNode -Lab $Lab -Name $Node | Out-Null }.GetNewClosure() }
            HaproxyNodeLoss = @{ InjectFault = { param($Node) Stop-HaPgLabNode -Lab $Lab -Name $Node -Kill }.GetNewClosure(); HealFault = { param($Node) Start-HaPgLabNode -Lab $Lab -Name $Node | Out-Null }.GetNewClosure() }
            NodeFreeze   = @{ InjectFault = { param($Node) Suspend-HaPgLabNode -Lab $Lab -Name $Node }.GetNewClosure(); HealFault = { param($Node) Resume-HaPgLabNode -Lab $Lab -Name $Node }.GetNewClosure() }
        }
        Add-Content $log "$(Get-Date -Format 'HH:mm:ss') lab $Lab ($Suite, $Topology) built in $([int]$clock.Elapsed.TotalSeconds) s"
        foreach ($modeName in $Mode) {
            $inventory | Set-HaPgPatroniConfig -SynchronousMode ($(if ($modeName -eq 'Strict') { 'Strict' } else { 'Off' })) `
                -AllowKnownDataLoss:($Suite -eq 'bookworm') -WarningAction SilentlyContinue | Out-Null
            foreach ($round in 1..$Repeat) {
                foreach ($name in $Scenario) {
                    $extra = if ($faults.ContainsKey($name)) { $faults[$name] } else { @{} }
                    $result = $inventory | Test-HaPgFailover -Scenario $name -Confirm:$false @extra -WarningAction SilentlyContinue `
                        -ErrorVariable failed -ErrorAction SilentlyContinue | Select-Object -First 1
                    if ($result) { $results.Add($result) }
                    $repaired = @(Repair-BenchCluster $inventory)
                    $row = [pscustomobject]@{
                        Mode = $modeName; Round = $round; Scenario = $name; Passed = [bool]$result.Passed
                        WriteDowntime = ConvertTo-Seconds $result.WriteDowntime; AcknowledgedWrites = [int]$result.AcknowledgedWrites
                        LostWrites = [int]$result.LostWrites; SplitBrain = [bool]$result.SplitBrainObserved
                        Diverged = @($result.DivergedReplicas); Repaired = $repaired; Measured = $null -ne $result
                        Messages = @(@($result.Messages) + @($failed | ForEach-Object { "$_" }) | Where-Object { $_ })
                    }
                    $rows.Add($row)
                    Add-Content $log ('{0:HH:mm:ss} {1} #{2} {3}: passed={4} downtime={5}s acked={6} lost={7} split={8} diverged={9} repaired={10} {11}' -f
                        (Get-Date), $modeName, $round, $name, $row.Passed, $row.WriteDowntime, $row.AcknowledgedWrites, $row.LostWrites,
                        $row.SplitBrain, ($row.Diverged -join ','), ($repaired -join ','), ($row.Messages -join '; '))
                }
            }
        }
    }
    finally {
        if (-not $KeepLab) { Remove-HaPgLab -Name $Lab | Out-Null }
        $path = New-BenchOutputPath 'fault-matrix'
        ConvertTo-Json -InputObject @($rows) -Depth 4 | Set-Content $path
        if ($results.Count -gt 0) {
            $report = [IO.Path]::ChangeExtension($path, '.html')
            $results | Export-HaPgFailoverReport -Path $report
            Add-Content $log "$(Get-Date -Format 'HH:mm:ss') report of $($results.Count) runs: $report"
        }
    }
}

$summary = foreach ($group in $rows | Group-Object Scenario, Mode) {
    $all = @($group.Group)
    $measured = @($all | Where-Object Measured)
    $downtimes = @($measured.WriteDowntime | Where-Object { $_ -is [ValueType] })
    [pscustomobject]@{
        Scenario = $all[0].Scenario
        Mode     = $all[0].Mode
        Passed   = "$(@($all | Where-Object Passed).Count)/$($all.Count)"
        'Down s' = Get-Median $downtimes
        'Max s'  = if ($downtimes) { ($downtimes | Measure-Object -Maximum).Maximum } else { $null }
        Acked    = [int]($measured.AcknowledgedWrites | Measure-Object -Sum).Sum
        Lost     = [int]($measured.LostWrites | Measure-Object -Sum).Sum
        Split    = @($measured | Where-Object SplitBrain).Count
        Diverged = @($measured | Where-Object { @($_.Diverged).Count -gt 0 }).Count
        Repairs  = @($all | Where-Object { @($_.Repaired).Count -gt 0 }).Count
    }
}
"Fault matrix ($($rows.Count) runs; raw: $path$(if (-not $FromJson) { "; report: $([IO.Path]::ChangeExtension($path, '.html'))" }))"
$summary | Sort-Object Scenario, Mode | Format-Table -Property * -AutoSize | Out-String -Width 120

$strictLost = [int](@($rows | Where-Object Mode -EQ 'Strict').LostWrites | Measure-Object -Sum).Sum
$splits = @($rows | Where-Object SplitBrain).Count
$afterTtl = @($rows | Where-Object { $_.Scenario -in 'Isolate', 'NodeFreeze' })
@(
    [pscustomobject]@{ Target = 'Lost writes in strict synchronous mode = 0'; Value = $strictLost; Met = $strictLost -eq 0 }
    [pscustomobject]@{ Target = 'Split brain never'; Value = "$splits of $($rows.Count) runs"; Met = $splits -eq 0 }
    [pscustomobject]@{ Target = 'Every Isolate and NodeFreeze run passes'; Value = "$(@($afterTtl | Where-Object Passed).Count)/$($afterTtl.Count)"; Met = -not ($afterTtl | Where-Object { -not $_.Passed }) }
) | Format-Table -AutoSize | Out-String -Width 120
"Failed runs:"
$rows | Where-Object { -not $_.Passed } | ForEach-Object { "  $($_.Mode) #$($_.Round) $($_.Scenario): $($_.Messages -join '; ')" }
"Total: $([math]::Round($clock.Elapsed.TotalMinutes, 1)) min"
