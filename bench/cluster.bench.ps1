#requires -Version 7.2
<#
.SYNOPSIS
    Measures the HaPg pipeline on fresh HaPgLab nodes: Set-HaPgFirewall | Install-HaPgEtcd | Install-HaPgPatroni |
    Set-HaPgPatroniConfig | Install-HaPgHaproxy until Test-HaPgCluster passes every check, once with the default
    ThrottleLimit and once with -ThrottleLimit 1 on every cmdlet (each on a fresh lab), plus the no-change re-run.
    A benchmark, not a test: it prints a table. It stops if a cmdlet writes an error or the cluster does not verify.
    Needs root and systemd-nspawn (the lab). Each run boots its own lab and removes it afterwards.
.EXAMPLE
    dotnet pwsh ./bench/cluster.bench.ps1 -ModuleManifest ./out/HaPg/0.1.0/HaPg.psd1
#>
[CmdletBinding()]
param(
    # The built module (./build.ps1 -Task Build).
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/HaPg/0.1.0/HaPg.psd1'),
    [ValidateRange(1, 20)] [int] $Repeat = 1,
    [ValidateRange(5, 9)] [int] $NodeCount = 5,
    # Lab name; the two kinds of run use "<Name>p" (parallel) and "<Name>s" (serial).
    [ValidatePattern('^[a-z][a-z0-9]{0,10}$')] [string] $Name = 'clbench'
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModuleManifest -Force
Import-Module (Join-Path $PSScriptRoot '../tests/lab/HaPgLab.psd1') -Force

# The whole pipeline with one throttle limit; returns how many results reported a change.
function Invoke-Pipeline($Inventory, [int] $Throttle) {
    $common = @{ ThrottleLimit = $Throttle; ErrorAction = 'Stop' }
    $results = @()
    $Inventory |
        Set-HaPgFirewall @common -OutVariable +results |
        Install-HaPgEtcd @common -OutVariable +results |
        Install-HaPgPatroni @common -OutVariable +results |
        Set-HaPgPatroniConfig @common -OutVariable +results |
        Install-HaPgHaproxy @common -OutVariable +results | Out-Null
    @($results | Where-Object Changed).Count
}

# Polls Test-HaPgCluster until every check passes (HAProxy may need a check interval to mark replicas UP).
function Wait-Verified($Inventory, [int] $Throttle) {
    $deadline = (Get-Date).AddSeconds(120)
    while ($true) {
        $checks = @($Inventory | Test-HaPgCluster -ThrottleLimit $Throttle -ErrorAction SilentlyContinue)
        $failed = @($checks | Where-Object { -not $_.Passed })
        if ($checks.Count -gt 0 -and $failed.Count -eq 0) { return $checks.Count }
        if ((Get-Date) -gt $deadline) { throw "The cluster did not verify: $($failed -join '; ')" }
        Start-Sleep -Seconds 1
    }
}

function Measure-Run([string] $Kind, [string] $Lab, [int] $Throttle, [int] $Run) {
    Remove-HaPgLab -Name $Lab
    try {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $nodes = @(New-HaPgLab -Name $Lab -NodeCount $NodeCount)
        $boot = $clock.Elapsed.TotalSeconds
        $subnet = ($nodes[0].Address -replace '\.\d+$', '.0') + '/24'
        $inventory = $nodes | New-HaPgInventory -ClusterName $Lab -KnownHostsPath $nodes[0].KnownHostsPath -ClientNetwork $subnet `
            -WarningAction SilentlyContinue

        $clock.Restart()
        $changed = Invoke-Pipeline $inventory $Throttle
        $pipeline = $clock.Elapsed.TotalSeconds
        $checks = Wait-Verified $inventory $Throttle
        $fresh = $clock.Elapsed.TotalSeconds

        $clock.Restart()
        $changedAgain = Invoke-Pipeline $inventory $Throttle
        $rerun = $clock.Elapsed.TotalSeconds
        Wait-Verified $inventory $Throttle | Out-Null

        [pscustomobject]@{
            Run                  = "$Kind #$Run"
            Throttle             = $Throttle
            Nodes                = $nodes.Count
            'LabBoot(s)'         = [math]::Round($boot, 1)
            'Pipeline(s)'        = [math]::Round($pipeline, 1)
            'ToVerified(s)'      = [math]::Round($fresh, 1)
            Checks               = $checks
            Changed              = $changed
            'NoChangeRerun(s)'   = [math]::Round($rerun, 1)
            'ChangedOnRerun'     = $changedAgain
        }
    }
    finally {
        Remove-HaPgLab -Name $Lab
    }
}

$rows = foreach ($run in 1..$Repeat) {
    Measure-Run 'default' "${Name}p" 5 $run
    Measure-Run 'serial' "${Name}s" 1 $run
}
$rows | Format-Table -AutoSize | Out-String -Width 160
