<#
.SYNOPSIS
    Runs every *.Tests.ps1 under tests/ with Pester 5 (from its NuGet package) against the built module.
    Writes {Passed, Failed, Skipped, Failures} as JSON to -ResultPath; Failures names each failed test and its error.
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
# Where tests keep what a person may want to look at afterwards (screenshots), beside the results.
$env:HAPG_TEST_RESULTS = Split-Path ([IO.Path]::GetFullPath($ResultPath))
$configuration = New-PesterConfiguration
$configuration.Run.Path = $PSScriptRoot
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = [IO.Path]::ChangeExtension($ResultPath, '.xml')
if ($ExcludeTag) { $configuration.Filter.ExcludeTag = $ExcludeTag -split ',' }
if ($Tag) { $configuration.Filter.Tag = $Tag -split ',' }

$run = Invoke-Pester -Configuration $configuration
$failures = @(
    # A test whose block setup failed has no error of its own; the block's line names the cause.
    foreach ($test in $run.Failed | Where-Object { $_.ErrorRecord }) { "$($test.ExpandedPath): $(($test.ErrorRecord | ForEach-Object { "$_" }) -join '; ')" }
    foreach ($block in $run.FailedBlocks) { "$($block.Path -join '.') (setup): $(($block.ErrorRecord | ForEach-Object { "$_" }) -join '; ')" }
    foreach ($container in $run.FailedContainers) { "$($container.Item): $(($container.ErrorRecord | ForEach-Object { "$_" }) -join '; ')" }
)
[pscustomobject]@{
    Passed   = $run.PassedCount
    Failed   = $run.FailedCount + $run.FailedBlocksCount + $run.FailedContainersCount
    Skipped  = $run.SkippedCount
    Failures = $failures
} | ConvertTo-Json | Set-Content $ResultPath
