<#
.SYNOPSIS
    Runs every *.Tests.ps1 under tests/ with Pester 5 (from its NuGet package) against the built module.
    Writes {Passed, Failed, Skipped} as JSON to -ResultPath.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $ResultPath,
    [string] $ExcludeTag,
    [string] $Tag
)

$ErrorActionPreference = 'Stop'
# Pester is restored as a PackageDownload of tests/HaPg.Tests; the PowerShell Gallery is not reachable.
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
Import-Module (Join-Path $packages 'pester/5.7.1/tools/Pester.psd1') -Force

$env:HAPG_MODULE_MANIFEST = (Resolve-Path $ModuleManifest).Path
$configuration = New-PesterConfiguration
$configuration.Run.Path = $PSScriptRoot
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputPath = [IO.Path]::ChangeExtension($ResultPath, '.xml')
if ($ExcludeTag) { $configuration.Filter.ExcludeTag = $ExcludeTag -split ',' }
if ($Tag) { $configuration.Filter.Tag = $Tag -split ',' }

$run = Invoke-Pester -Configuration $configuration
[pscustomobject]@{
    Passed  = $run.PassedCount
    Failed  = $run.FailedCount + $run.FailedBlocksCount + $run.FailedContainersCount
    Skipped = $run.SkippedCount
} | ConvertTo-Json | Set-Content $ResultPath
