#requires -Version 7.2
<#
.SYNOPSIS
    Measures HaPgLab start times: from scratch (optional, deletes the cached base trees) and from the warm cache.
    A benchmark, not a test: it prints a table and asserts nothing. Needs root.
.EXAMPLE
    dotnet pwsh ./bench/lab.bench.ps1 -FromScratch
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 50)] [int] $NodeCount = 5,
    # Warm starts to time.
    [ValidateRange(1, 20)] [int] $Repeat = 3,
    # Also time a start from an empty cache: removes /var/lib/hapg-lab/base-* first.
    [switch] $FromScratch,
    [ValidatePattern('^[a-z][a-z0-9]{0,11}$')] [string] $Name = 'bench'
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../tests/lab/HaPgLab.psd1') -Force

function Measure-LabStart([string] $Kind) {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $nodes = @(New-HaPgLab -Name $Name -NodeCount $NodeCount)
    $up = $clock.Elapsed.TotalSeconds
    $clock.Restart()
    Remove-HaPgLab -Name $Name
    [pscustomobject]@{
        Run = $Kind; Nodes = $nodes.Count; 'UntilSsh(s)' = [math]::Round($up, 1); 'Remove(s)' = [math]::Round($clock.Elapsed.TotalSeconds, 1)
    }
}

Remove-HaPgLab -Name $Name
$results = @(
    if ($FromScratch) {
        # Other labs' overlays sit on the cached base: never pull it from under them.
        $users = Get-Content /proc/self/mountinfo | Where-Object { $_ -match 'lowerdir=/var/lib/hapg-lab/base-' }
        if ($users) { throw "-FromScratch: another lab is running on the cached base; remove it first (Get-HaPgLab)" }
        Get-ChildItem /var/lib/hapg-lab -Directory -Filter 'base-*' -ErrorAction Ignore | Remove-Item -Recurse -Force
        Measure-LabStart 'from scratch'
    }
    foreach ($run in 1..$Repeat) { Measure-LabStart "warm #$run" }
)
$results | Format-Table -AutoSize
