#requires -Version 7.2
<#
.SYNOPSIS
    Issue 5's failover numbers: Test-HaPgFailover, repeated, on a Default-profile and a Recipe-profile cluster in the
    same run, plus Crash in strict synchronous mode. A benchmark, not a test: it prints medians beside the targets.
.DESCRIPTION
    Each profile gets its own 5-node lab in the recipe's layout (PostgreSQL on node-1..3, one etcd member on node-4,
    HAProxy on node-5; so no EtcdMemberLoss, which needs 3 etcd members). The two labs are built and measured side by
    side, each in its own child process (Start-Job); every round runs every scenario once. Afterwards the Default
    cluster is switched to -SynchronousMode Strict (Set-HaPgPatroniConfig re-run, applied through Patroni's
    /config) and Crash runs -SyncCrashRepeat more times.
    Raw results (every run, with its events) go to out/bench/failover-<time>.json; progress to out/bench/failover-<lab>.log.
    Needs root (the lab) and the built module.
.EXAMPLE
    dotnet pwsh ./bench/failover.bench.ps1
.EXAMPLE
    dotnet pwsh ./bench/failover.bench.ps1 -Repeat 1 -Scenario Switchover -SyncCrashRepeat 0 -TimingProfile Default
#>
[CmdletBinding(DefaultParameterSetName = 'Run')]
param(
    # Rounds per profile; each round runs every scenario once.
    [ValidateRange(1, 50)] [int] $Repeat = 5,
    [ValidateSet('Switchover', 'StopPatroni', 'Crash', 'Isolate', 'ReplicaCrash')]
    [string[]] $Scenario = @('Switchover', 'StopPatroni', 'Crash', 'Isolate', 'ReplicaCrash'),
    [ValidateSet('Default', 'Recipe')] [string[]] $TimingProfile = @('Default', 'Recipe'),
    # Crash runs on the Default cluster in strict synchronous mode after its rounds; 0 skips them.
    [ValidateRange(0, 50)] [int] $SyncCrashRepeat = 5,
    [ValidatePattern('^[a-z][a-z0-9]{0,11}$')] [string] $DefaultLab = 'benchd',
    [ValidatePattern('^[a-z][a-z0-9]{0,11}$')] [string] $RecipeLab = 'benchr',
    # Leave the labs running afterwards (e.g. for haproxy-overhead.bench.ps1 -Reuse).
    [switch] $KeepLab,
    # Reuse running labs of those names instead of building new ones.
    [switch] $Reuse,
    # Internal: measure one profile in this process and return its rows.
    [Parameter(ParameterSetName = 'Worker', Mandatory, DontShow)] [ValidateSet('Default', 'Recipe')] [string] $WorkerProfile,
    # Only print the tables again from an earlier run's raw JSON.
    [Parameter(ParameterSetName = 'Summary', Mandatory)] [string] $FromJson
)

. (Join-Path $PSScriptRoot 'BenchCluster.ps1')

function ConvertTo-Seconds($Span) { if ($null -ne $Span) { [math]::Round($Span.TotalSeconds, 2) } else { $null } }

function ConvertTo-BenchRow($Result, [string] $Label, [int] $Round, [string] $Name, [string] $Failure) {
    [pscustomobject]@{
        Profile = $Label; Round = $Round; Scenario = $Name
        OldLeader = $Result.OldLeader; NewLeader = $Result.NewLeader
        TimelineBefore = $Result.TimelineBefore; TimelineAfter = $Result.TimelineAfter
        WriteDowntime = ConvertTo-Seconds $Result.WriteDowntime
        TimeToNewLeader = ConvertTo-Seconds $Result.TimeToNewLeader
        TimeToHaproxySwitch = ConvertTo-Seconds $Result.TimeToHaproxySwitch
        RejoinTime = ConvertTo-Seconds $Result.OldLeaderRejoinTime
        Rejoined = [bool]$Result.OldLeaderRejoined
        AcknowledgedWrites = $Result.AcknowledgedWrites; LostWrites = [int]$Result.LostWrites
        UnexpectedWrites = [int]$Result.UnexpectedWrites; UnknownWrites = [int]$Result.UnknownWrites
        SplitBrain = [bool]$Result.SplitBrainObserved; Passed = [bool]$Result.Passed
        Duration = ConvertTo-Seconds $Result.Duration
        Messages = @(@($Result.Messages) + @($Failure) | Where-Object { $_ })
        Events = @($Result.Events | ForEach-Object { '{0,6:N1}s {1} {2}: {3}' -f $_.Elapsed.TotalSeconds, $_.Kind, $_.Node, $_.Message })
    }
}

function Invoke-BenchScenario($Inventory, [string] $Label, [int] $Round, [string] $Name, [string] $Log) {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $result = $Inventory | Test-HaPgFailover -Scenario $Name -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue |
        Select-Object -First 1
    $row = ConvertTo-BenchRow $result $Label $Round $Name (($failed | ForEach-Object { "$_" }) -join '; ')
    Add-Content $Log ('{0:HH:mm:ss} {1} #{2} {3}: passed={4} downtime={5}s leader={6}s haproxy={7}s rejoin={8}s lost={9} ({10:N0}s) {11}' -f
        (Get-Date), $Label, $Round, $Name, $row.Passed, $row.WriteDowntime, $row.TimeToNewLeader, $row.TimeToHaproxySwitch,
        $row.RejoinTime, $row.LostWrites, $clock.Elapsed.TotalSeconds, ($row.Messages -join '; '))
    $row
}

if ($PSCmdlet.ParameterSetName -eq 'Worker') {
    $lab = if ($WorkerProfile -eq 'Default') { $DefaultLab } else { $RecipeLab }
    $log = Join-Path $benchRoot "out/bench/failover-$lab.log"
    New-Item -ItemType Directory -Force (Split-Path $log) | Out-Null
    Add-Content $log "$(Get-Date -Format 'HH:mm:ss') $WorkerProfile on lab ${lab}: building"
    try {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $inventory = New-BenchCluster -Lab $lab -TimingProfile $WorkerProfile -Reuse:$Reuse
        Add-Content $log "$(Get-Date -Format 'HH:mm:ss') built in $([math]::Round($clock.Elapsed.TotalMinutes, 1)) min"
        foreach ($round in 1..$Repeat) {
            foreach ($name in $Scenario) { Invoke-BenchScenario $inventory $WorkerProfile $round $name $log }
        }
        if ($WorkerProfile -eq 'Default' -and $SyncCrashRepeat -gt 0) {
            $inventory | Set-HaPgPatroniConfig -Profile Default -SynchronousMode Strict | Out-Null
            Add-Content $log "$(Get-Date -Format 'HH:mm:ss') synchronous_mode strict set"
            foreach ($round in 1..$SyncCrashRepeat) { Invoke-BenchScenario $inventory 'Default+Strict' $round 'Crash' $log }
        }
        Add-Content $log "$(Get-Date -Format 'HH:mm:ss') done in $([math]::Round($clock.Elapsed.TotalMinutes, 1)) min"
    }
    finally {
        if (-not $KeepLab) { Remove-HaPgLab -Name $lab | Out-Null }
    }
    return
}

$clock = [Diagnostics.Stopwatch]::StartNew()
if ($FromJson) {
    $path = $FromJson
    $rows = @(Get-Content $FromJson -Raw | ConvertFrom-Json)
}
else {
    $arguments = @{
        Repeat = $Repeat; Scenario = $Scenario; SyncCrashRepeat = $SyncCrashRepeat; DefaultLab = $DefaultLab; RecipeLab = $RecipeLab
        KeepLab = [bool]$KeepLab; Reuse = [bool]$Reuse
    }
    $jobs = foreach ($profileName in $TimingProfile) {
        # Staggered: two labs booting at once on a small host time out.
        if ($profileName -ne $TimingProfile[0]) { Start-Sleep -Seconds 60 }
        Start-Job -Name "failover-$profileName" -ScriptBlock {
            $workerArguments = $using:arguments
            & $using:PSCommandPath @workerArguments -WorkerProfile $using:profileName
        }
    }
    $rows = @($jobs | Wait-Job | Receive-Job -ErrorVariable jobErrors -ErrorAction Continue | Where-Object { $_.PSObject.Properties["Scenario"] })
    $jobs | Remove-Job
    $path = New-BenchOutputPath 'failover'
    ConvertTo-Json -InputObject $rows -Depth 4 | Set-Content $path
}

$targets = @{ Switchover = 'down <= 3 s'; StopPatroni = 'down <= 5 s'; Crash = 'Def <= Rec/2'; ReplicaCrash = 'no failed write' }
# A run whose Test-HaPgFailover wrote an error instead of a result has no numbers: counted apart, as Errors.
$measured = @($rows | Where-Object OldLeader)
$summary = foreach ($group in $rows | Group-Object Profile, Scenario) {
    $all = $group.Group
    $runs = @($all | Where-Object OldLeader)
    [pscustomobject]@{
        Scenario       = $all[0].Scenario
        Profile        = $all[0].Profile
        'Down s'   = Get-Median $runs.WriteDowntime
        'Leader s'  = Get-Median $runs.TimeToNewLeader
        'HAProxy s'    = Get-Median $runs.TimeToHaproxySwitch
        'Rejoin s'     = Get-Median $runs.RejoinTime
        Lost           = [int]($runs.LostWrites | Measure-Object -Sum).Sum
        SplitBrain     = [bool]($runs | Where-Object SplitBrain)
        Passed         = "$(@($all | Where-Object Passed).Count)/$($all.Count)"
        Errors         = $all.Count - $runs.Count
        Target         = if ($all[0].Profile -eq 'Default+Strict') { 'lost = 0' } else { $targets[$all[0].Scenario] }
    }
}
"Medians (seconds) per scenario and profile over the measured runs ($($rows.Count) runs); raw: $path"
$summary | Sort-Object Scenario, Profile | Format-Table -Property * -AutoSize | Out-String -Width 120

function Get-Cell([string] $Name, [string] $Label, [string] $Column) {
    ($summary | Where-Object { $_.Scenario -eq $Name -and $_.Profile -eq $Label }).$Column
}
$crashDefault = Get-Cell 'Crash' 'Default' 'Down s'
$crashRecipe = Get-Cell 'Crash' 'Recipe' 'Down s'
$rejoinMax = ($measured.RejoinTime | Where-Object { $_ -is [ValueType] } | Measure-Object -Maximum).Maximum
$check = @(
    foreach ($label in 'Default', 'Recipe') {
        $value = Get-Cell 'Switchover' $label 'Down s'
        if ($null -ne $value) { [pscustomobject]@{ Target = "Switchover downtime <= 3 s ($label)"; Value = $value; Met = $value -le 3 } }
        $value = Get-Cell 'StopPatroni' $label 'Down s'
        if ($null -ne $value) { [pscustomobject]@{ Target = "StopPatroni downtime <= 5 s ($label)"; Value = $value; Met = $value -le 5 } }
    }
    if ($null -ne $crashDefault -and $null -ne $crashRecipe) {
        [pscustomobject]@{ Target = 'Crash downtime Default <= Recipe / 2'; Value = "$crashDefault vs $crashRecipe / 2 = $($crashRecipe / 2)"; Met = $crashDefault -le $crashRecipe / 2 }
    }
    $strict = @($measured | Where-Object Profile -EQ 'Default+Strict')
    if ($strict) {
        $lost = [int]($strict.LostWrites | Measure-Object -Sum).Sum
        [pscustomobject]@{ Target = 'Lost writes in strict sync mode = 0'; Value = "$lost in $($strict.Count) measured crash(es)"; Met = $lost -eq 0 }
    }
    $splits = @($measured | Where-Object SplitBrain).Count
    [pscustomobject]@{ Target = 'Split brain never'; Value = "$splits of $($measured.Count) measured runs"; Met = $splits -eq 0 }
    $missing = @($measured | Where-Object { -not $_.Rejoined }).Count
    [pscustomobject]@{ Target = 'Rejoin <= 60 s (every measured run)'; Value = "max $rejoinMax s, $missing not rejoined"; Met = $missing -eq 0 -and $rejoinMax -le 60 }
    $errors = $rows.Count - $measured.Count
    [pscustomobject]@{ Target = 'Every run measured (no cmdlet error)'; Value = "$errors of $($rows.Count) runs errored"; Met = $errors -eq 0 }
)
$check | Format-Table -AutoSize | Out-String -Width 120
"Failed runs:"
$rows | Where-Object { -not $_.Passed } | ForEach-Object { "  $($_.Profile) #$($_.Round) $($_.Scenario): $($_.Messages -join '; ')" }
if ($jobErrors) { "Worker errors:"; $jobErrors | ForEach-Object { "  $_" } }
"Total: $([math]::Round($clock.Elapsed.TotalMinutes, 1)) min"
