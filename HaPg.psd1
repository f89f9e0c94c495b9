@{
    RootModule           = 'HaPg.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5d0b7c1e-7c38-4d35-9a44-2f7d5a0c9e61'
    Author               = 'HaPg'
    CompanyName          = 'HaPg'
    Copyright            = '(c) HaPg. All rights reserved.'
    Description          = 'Builds a highly available PostgreSQL cluster (Patroni, etcd, HAProxy) on Debian and Ubuntu hosts over SSH, and proves it survives failures.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Core', 'Desktop')
    FormatsToProcess     = @('HaPg.Format.ps1xml')
    CmdletsToExport      = @(
        'Export-HaPgFailoverReport'
        'Export-HaPgInventory'
        'Get-HaPgCluster'
        'Get-HaPgFirewallRule'
        'Import-HaPgInventory'
        'Install-HaPgEtcd'
        'Install-HaPgHaproxy'
        'Install-HaPgPatroni'
        'Invoke-HaPgSwitchover'
        'New-HaPgInventory'
        'Repair-HaPgReplica'
        'Set-HaPgFirewall'
        'Set-HaPgPatroniConfig'
        'Test-HaPgCluster'
        'Test-HaPgConnection'
        'Test-HaPgFailover'
        'Update-HaPgCertificate'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('PostgreSQL', 'Patroni', 'etcd', 'HAProxy', 'HighAvailability', 'SSH', 'Linux', 'PSEdition_Core', 'PSEdition_Desktop')
            ProjectUri = 'https://example.invalid/hapg'
        }
    }
}
