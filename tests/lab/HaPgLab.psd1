@{
    RootModule           = 'HaPgLab.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '8f7e2a4c-3b61-4d0e-9c55-1a2b3c4d5e6f'
    Author               = 'HaPg'
    CompanyName          = 'HaPg'
    Copyright            = '(c) HaPg. All rights reserved.'
    Description          = 'Test lab for HaPg: Debian 12 nodes as systemd-nspawn containers (systemd, sshd, own address) with fault injection. Linux, root.'
    PowerShellVersion    = '7.2'
    CompatiblePSEditions = @('Core')
    FunctionsToExport    = @(
        'New-HaPgLab'
        'Get-HaPgLab'
        'Remove-HaPgLab'
        'Start-HaPgLabNode'
        'Stop-HaPgLabNode'
        'Suspend-HaPgLabNode'
        'Resume-HaPgLabNode'
        'Disconnect-HaPgLabNode'
        'Connect-HaPgLabNode'
        'Invoke-HaPgLabCommand'
    )
    CmdletsToExport      = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
}
