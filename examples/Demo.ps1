<#
.SYNOPSIS
    The README's second command: builds a local lab, builds the cluster through the HaPg pipeline,
    runs the failover test, and prints the results. Needs root and systemd-nspawn (the host: Debian 12 or later).
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [string] $LabName = 'hapgdemo'
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'Continue'
Import-Module $ModuleManifest -Force
Import-Module (Join-Path $PSScriptRoot '../tests/lab/HaPgLab.psd1') -Force

function Write-Section([string] $Title) { Write-Host "`n=== $Title" -ForegroundColor Cyan }
$clock = [Diagnostics.Stopwatch]::StartNew()
$failover = @()

Write-Section "1. Lab: five Debian 13 machines (systemd-nspawn), each with its own address and sshd"
$lab = New-HaPgLab -Name $LabName -NodeCount 5
$lab | Format-Table Name, Address, User, HostKeySha256 -AutoSize | Out-Host

Write-Section "2. Cluster: firewall, etcd, Patroni + PostgreSQL, HAProxy (the recipe's layout)"
# Lab nodes carry no subnet: clients are this host and the lab's /24.
$subnet = ($lab[0].Address -replace '\.\d+$', '.0') + '/24'
$inventory = $lab | New-HaPgInventory -ClusterName demo -KnownHostsPath $lab[0].KnownHostsPath -ClientNetwork $subnet
$build = [Diagnostics.Stopwatch]::StartNew()
# One pipeline; -OutVariable keeps each step's per-node results, which the next step consumes, for display.
$inventory |
    Set-HaPgFirewall -OutVariable firewall |
    Install-HaPgEtcd -OutVariable etcd |
    Install-HaPgPatroni -OutVariable patroni |
    Set-HaPgPatroniConfig -OutVariable config |
    Install-HaPgHaproxy -OutVariable haproxy | Out-Null
foreach ($step in $firewall, $etcd, $patroni, $config, $haproxy) { $step | Format-Table -AutoSize | Out-Host }
Write-Host ("Cluster built in {0:N0} s." -f $build.Elapsed.TotalSeconds)

Write-Section "3. Get-HaPgCluster"
$inventory | Get-HaPgCluster | Format-Table -AutoSize | Out-Host

Write-Section "4. Test-HaPgCluster"
$checks = $inventory | Test-HaPgCluster
$checks | Format-Table -AutoSize | Out-Host

# The recipe's step 9 is a look at HAProxy's stats page. Its password is never printed: it goes, with the other cluster
# passwords, to a file only this user can read.
$demoOut = Join-Path $PSScriptRoot '../out/demo'
New-Item -ItemType Directory -Force $demoOut | Out-Null
$secretsPath = Join-Path $demoOut 'demo.secrets.yaml'
$inventory | Export-HaPgInventory -Path (Join-Path $demoOut 'demo.yaml') -SecretsPath $secretsPath -Force
foreach ($proxy in $inventory.Nodes | Where-Object { "$($_.Roles)" -match 'Haproxy' }) {
    Write-Host "HAProxy stats page of $($proxy.Name): https://$($proxy.Address):$($inventory.Ports.HaproxyStats)/"
}
Write-Host "  user hapg; password: the haproxyStatsPassword line of $((Resolve-Path $secretsPath).Path) (mode 0600)"
$caPath = Join-Path $demoOut 'cluster-ca.crt'
Set-Content -LiteralPath $caPath -Value $inventory.Secrets.CaCertificatePem -NoNewline
Write-Host "  its certificate is issued by the cluster CA, $((Resolve-Path $caPath).Path): trust it in the browser, or check it with"
Write-Host "  psql 'sslmode=verify-full sslrootcert=$((Resolve-Path $caPath).Path) host=<HAProxy node> port=5000 user=hapg_app dbname=postgres'"

if (Get-Command Test-HaPgFailover -Module HaPg -ErrorAction SilentlyContinue) {
    Write-Section "5. Test-HaPgFailover -Scenario StopPatroni,Crash"
    $reportPath = Join-Path $demoOut 'failover-report.html'
    # -ReportPath prints where the report is: one HTML page to open in any browser, offline.
    $failover = $inventory | Test-HaPgFailover -Scenario StopPatroni, Crash -Confirm:$false -ReportPath $reportPath
    $failover | Format-Table -AutoSize | Out-Host
    foreach ($result in $failover) {
        Write-Host "$($result.Scenario): time to new leader $($result.TimeToNewLeader), to HAProxy switch $($result.TimeToHaproxySwitch), old leader streaming $($result.OldLeaderRejoinTime) after it returned"
        $result.Events | ForEach-Object { Write-Host "    $_" }
    }
    Write-Section "6. Get-HaPgCluster after failover"
    $inventory | Get-HaPgCluster | Format-Table -AutoSize | Out-Host
}

Write-Host ("`nDemo finished in {0:N0} s. The lab is still running; remove it with:" -f $clock.Elapsed.TotalSeconds)
Write-Host "  dotnet pwsh -c 'Import-Module ./tests/lab/HaPgLab.psd1; Remove-HaPgLab -Name $LabName'"
if (($checks + $failover) | Where-Object { -not $_.Passed }) { exit 1 }
