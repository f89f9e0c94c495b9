#requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests, packages and demonstrates the HaPg module.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Test -ExcludeTag Lab
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Demo')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester tags to skip, e.g. Lab on a machine that cannot run containers.
    [string[]] $ExcludeTag = @(),

    # Pester tags to run alone.
    [string[]] $Tag = @()
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Set-Location $PSScriptRoot

$manifest = Import-PowerShellDataFile (Join-Path $PSScriptRoot 'HaPg.psd1')
$version = $manifest.ModuleVersion
$outRoot = Join-Path $PSScriptRoot 'out'
$moduleDir = Join-Path $outRoot "HaPg/$version"
$resultsDir = Join-Path $outRoot 'test-results'

function Invoke-Native([string] $File, [string[]] $Arguments) {
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') exited with $LASTEXITCODE" }
}

function Invoke-Build {
    Invoke-Native dotnet @('build', 'HaPgPs.sln', '-c', $Configuration, '-nologo', '-clp:ErrorsOnly')

    # Module layout: the cmdlet assembly at the root, everything it pulls in under dependencies/.
    if (Test-Path $moduleDir) { Remove-Item $moduleDir -Recurse -Force }
    $dependencies = New-Item -ItemType Directory -Force (Join-Path $moduleDir 'dependencies')
    $bin = "src/HaPg.PowerShell/bin/$Configuration/netstandard2.0"
    Copy-Item "$bin/HaPg.PowerShell.dll" $moduleDir
    Get-ChildItem $bin -Filter *.dll |
        Where-Object Name -NotIn 'HaPg.PowerShell.dll', 'System.Management.Automation.dll' |
        Copy-Item -Destination $dependencies
    Copy-Item HaPg.psd1, HaPg.Format.ps1xml $moduleDir
    Copy-Item en-US $moduleDir -Recurse

    # External help, generated from the cmdlet attributes and their XML doc comments.
    Invoke-Native dotnet @('pwsh', '-NoProfile', '-File', 'tools/New-HaPgHelp.ps1',
        '-ModuleManifest', (Join-Path $moduleDir 'HaPg.psd1'),
        '-DocumentationXml', "$bin/HaPg.PowerShell.xml",
        '-OutputPath', (Join-Path $moduleDir 'en-US/HaPg.PowerShell.dll-Help.xml'))
    Write-Host "Module: $moduleDir"
}

function Get-TrxCount([string] $Path) {
    [xml] $trx = Get-Content $Path -Raw
    $counters = $trx.TestRun.ResultSummary.Counters
    $failures = @($trx.TestRun.Results.UnitTestResult | Where-Object outcome -NE 'Passed' | Where-Object outcome -NE 'NotExecuted' |
            ForEach-Object { "$($_.testName): $(($_.Output.ErrorInfo.Message -split "`n")[0])" })
    [pscustomobject]@{
        Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout
        Failures = $failures
    }
}

function Invoke-Test {
    Invoke-Build
    if (Test-Path $resultsDir) { Remove-Item $resultsDir -Recurse -Force }
    New-Item -ItemType Directory -Force $resultsDir | Out-Null

    Write-Host "`n=== xUnit" -ForegroundColor Cyan
    & dotnet test tests/HaPg.Tests/HaPg.Tests.csproj -c $Configuration --no-build -nologo `
        --logger 'trx;LogFileName=xunit.trx' --logger 'console;verbosity=normal' --results-directory $resultsDir
    $xunitTrx = Join-Path $resultsDir 'xunit.trx'
    $xunit = if (Test-Path $xunitTrx) { Get-TrxCount $xunitTrx } else { [pscustomobject]@{ Passed = 0; Failed = 1 } }

    Write-Host "`n=== Pester" -ForegroundColor Cyan
    $pesterJson = Join-Path $resultsDir 'pester.json'
    $pesterArgs = @('pwsh', '-NoProfile', '-File', 'tests/Invoke-HaPgPester.ps1',
        '-ModuleManifest', (Join-Path $moduleDir 'HaPg.psd1'), '-ResultPath', $pesterJson)
    if ($ExcludeTag) { $pesterArgs += @('-ExcludeTag', ($ExcludeTag -join ',')) }
    if ($Tag) { $pesterArgs += @('-Tag', ($Tag -join ',')) }
    & dotnet @pesterArgs
    $pester = if (Test-Path $pesterJson) { Get-Content $pesterJson -Raw | ConvertFrom-Json } else { [pscustomobject]@{ Passed = 0; Failed = 1 } }

    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    # The failures again, last, so a truncated log's tail still names them.
    $failures = @($xunit.Failures) + @($pester.Failures) | Where-Object { $_ }
    if ($failures) {
        Write-Host "`n=== Failed" -ForegroundColor Red
        foreach ($failure in $failures) {
            $line = $failure -replace '\s+', ' '
            if ($line.Length -gt 400) { $line = $line.Substring(0, 400) + '...' }
            Write-Host "  $line" -ForegroundColor Red
        }
        Write-Host "Full results: $(Join-Path $resultsDir 'xunit.trx') (TRX), $(Join-Path $resultsDir 'pester.xml') (NUnit XML)" -ForegroundColor Red
    }
    Write-Host ''
    Write-Host "xUnit: $($xunit.Passed) passed, $($xunit.Failed) failed; Pester: $($pester.Passed) passed, $($pester.Failed) failed"
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-Package {
    Invoke-Build
    $repo = Join-Path $outRoot 'repository'
    New-Item -ItemType Directory -Force $repo | Out-Null
    Get-ChildItem $repo -Filter 'HaPg.*.nupkg' | Remove-Item -Force
    # A throwaway local repository: Publish-PSResource writes the .nupkg a PowerShell repository accepts.
    $name = "HaPgBuild$PID"
    Register-PSResourceRepository -Name $name -Uri $repo -Trusted
    try {
        Publish-PSResource -Path $moduleDir -Repository $name -SkipDependenciesCheck
    }
    finally {
        Unregister-PSResourceRepository -Name $name
    }
    Get-ChildItem $repo -Filter 'HaPg.*.nupkg' | ForEach-Object { Write-Host "Package: $($_.FullName)" }
}

function Invoke-Demo {
    Invoke-Build
    & dotnet pwsh -NoProfile -File (Join-Path $PSScriptRoot 'examples/Demo.ps1') -ModuleManifest (Join-Path $moduleDir 'HaPg.psd1')
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Package' { Invoke-Package }
    'Demo' { Invoke-Demo }
}
