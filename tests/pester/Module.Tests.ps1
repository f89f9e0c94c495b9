# Meta-tests: every cmdlet, source file and view of the module, whoever added it, meets the house rules.

BeforeDiscovery {
    Import-Module $env:HAPG_MODULE_MANIFEST -Force
    $script:cmdlets = @(Get-Command -Module HaPg -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:sourceFiles = @(Get-ChildItem (Join-Path $repoRoot 'src') -Recurse -Filter *.cs |
            Where-Object FullName -NotMatch '[\\/](bin|obj)[\\/]' |
            ForEach-Object { @{ Path = $_.FullName; Name = $_.FullName.Substring($repoRoot.Length + 1) } })
    $script:commandFiles = @($sourceFiles | Where-Object Name -Match '[\\/]Commands[\\/]')
    [xml] $format = Get-Content (Join-Path $repoRoot 'HaPg.Format.ps1xml') -Raw
    $script:tableViews = @($format.Configuration.ViewDefinitions.View | Where-Object { $_.TableControl } |
            ForEach-Object { @{ Name = $_.Name; Headers = @($_.TableControl.TableHeaders.TableColumnHeader) } })

    # A parameter name shared by cmdlets has one type. The exceptions are old names with another meaning, kept for
    # compatibility; each is pinned below, so that none is added or changed unnoticed.
    . (Join-Path $PSScriptRoot 'cmdlets/TestHelpers.ps1')
    $script:typeExceptions = @(
        @{ Cmdlet = 'New-HaPgInventory'; Parameter = 'Node'; Type = 'object[]'; Why = 'the node definitions; the other cmdlets take node names' }
    )
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $script:sharedParameters = @(Get-Command -Module HaPg -CommandType Cmdlet |
            ForEach-Object {
                $cmdlet = $_.Name
                $_.Parameters.Values | Where-Object Name -NotIn $common |
                    ForEach-Object { [pscustomobject]@{ Cmdlet = $cmdlet; Name = $_.Name; Type = Format-HaPgParameterType $_.ParameterType } }
            } |
            Group-Object Name | Where-Object Count -GT 1 |
            ForEach-Object {
                $uses = @($_.Group | Where-Object { $use = $_; -not @($typeExceptions | Where-Object { $_.Cmdlet -eq $use.Cmdlet -and $_.Parameter -eq $use.Name }) })
                @{ Name = $_.Name; Count = $_.Count; Uses = $uses }
            })
}

BeforeAll {
    $manifestPath = $env:HAPG_MODULE_MANIFEST
    $manifest = Import-PowerShellDataFile $manifestPath
    Import-Module $manifestPath -Force
    . (Join-Path $PSScriptRoot 'cmdlets/TestHelpers.ps1')

    # The pwsh running these tests: an apphost, or dotnet with pwsh.dll (the dotnet tool).
    function Get-PwshCommand {
        $process = (Get-Process -Id $PID).Path
        if ((Split-Path $process -Leaf) -match '^dotnet(\.exe)?$') {
            $dll = [Environment]::GetCommandLineArgs()[0]
            if ($dll -notlike '*.dll') { $dll = Join-Path $PSHOME 'pwsh.dll' }
            return @($process, $dll)
        }
        @($process)
    }
}

Describe 'HaPg module manifest' {
    It 'is a valid module manifest' {
        { Test-ModuleManifest $manifestPath -ErrorAction Stop } | Should -Not -Throw
    }

    It 'runs on PowerShell 5.1 Desktop and Core' {
        $manifest.PowerShellVersion | Should -Be '5.1'
        $manifest.CompatiblePSEditions | Sort-Object | Should -Be @('Core', 'Desktop')
    }

    It 'loads its formats and has gallery tags' {
        $manifest.FormatsToProcess | Should -Contain 'HaPg.Format.ps1xml'
        $manifest.PrivateData.PSData.Tags | Should -Contain 'PostgreSQL'
        $manifest.PrivateData.PSData.Tags | Should -Contain 'PSEdition_Core'
    }

    It 'loads no assembly into the shared context (no RequiredAssemblies)' {
        $manifest.ContainsKey('RequiredAssemblies') | Should -BeFalse
    }

    It 'exports exactly its CmdletsToExport when imported in a fresh pwsh' {
        $pwsh = Get-PwshCommand
        $script = "Import-Module '$manifestPath' -ErrorAction Stop; (Get-Command -Module HaPg).Name | Sort-Object | ConvertTo-Json -Compress"
        $json = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script
        $LASTEXITCODE | Should -Be 0
        @($json | ConvertFrom-Json) | Should -Be @($manifest.CmdletsToExport | Sort-Object)
    }
}

Describe 'Cmdlet <Name>' -ForEach $cmdlets {
    BeforeAll {
        $command = Get-Command $Name
        $help = Get-Help $Name -Full
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    }

    It 'has an approved verb' {
        (Get-Verb).Verb | Should -Contain $command.Verb
    }

    It 'has a singular noun starting with HaPg' {
        $command.Noun | Should -Match '^HaPg[A-Z]'
        $command.Noun | Should -Not -Match '[^su]s$'
    }

    It 'declares [OutputType]' {
        $command.OutputType | Should -Not -BeNullOrEmpty
    }

    It 'has a written synopsis' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$([regex]::Escape($Name))\s"
    }

    It 'has a description' {
        ($help.Description.Text -join '') | Should -Not -BeNullOrEmpty
    }

    It 'has an example with code' {
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        @($help.Examples.Example)[0].Code | Should -Match "\S"
    }

    It 'describes every parameter' {
        $undocumented = foreach ($parameter in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $text = (Get-Help $Name -Parameter $parameter).Description.Text -join ''
            if ([string]::IsNullOrWhiteSpace($text)) { $parameter }
        }
        $undocumented | Should -BeNullOrEmpty
    }

    # Exact in both directions: a read-only cmdlet offers no -WhatIf, and only a disruptive one prompts by default.
    It 'supports -WhatIf and -Confirm exactly when it changes things' {
        $changesThings = ($Name -split '-')[0] -in 'Install', 'Set', 'Invoke', 'Remove', 'Export', 'Repair', 'Update' -or $Name -eq 'Test-HaPgFailover'
        $command.Parameters.ContainsKey('WhatIf') | Should -Be $changesThings
        $command.Parameters.ContainsKey('Confirm') | Should -Be $changesThings
    }

    It 'has its own offline test file that pins its parameters (tests/pester/cmdlets/<Name>.Tests.ps1)' {
        $file = Join-Path $PSScriptRoot "cmdlets/$Name.Tests.ps1"
        $file | Should -Exist
        Get-Content $file -Raw | Should -Match "Get-HaPgParameterPin\s+$([regex]::Escape($Name))\s+\|\s+Should\s+-Be\b"
    }

    It 'asks first (ConfirmImpact High) exactly when it disrupts a running cluster' {
        $attribute = $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        ($attribute.ConfirmImpact -eq 'High') | Should -Be ($Name -in 'Invoke-HaPgSwitchover', 'Test-HaPgFailover', 'Repair-HaPgReplica')
    }
}

Describe 'Parameter -<Name>, shared by <Count> cmdlets' -ForEach $sharedParameters {
    It 'has one type in all of them' {
        $types = @($Uses | Group-Object Type | ForEach-Object { "[$($_.Name)] in $(@($_.Group.Cmdlet) -join ', ')" })
        $types.Count | Should -BeLessOrEqual 1 -Because "-$Name is $($types -join '; ')"
    }
}

Describe 'Parameter type exception <Cmdlet> -<Parameter>' -ForEach $typeExceptions {
    It 'is still [<Type>] (<Why>)' {
        Format-HaPgParameterType (Get-Command $Cmdlet).Parameters[$Parameter].ParameterType | Should -Be $Type
    }
}

Describe 'Source file <Name>' -ForEach $sourceFiles {
    BeforeAll {
        $bytes = [IO.File]::ReadAllBytes($Path)
        $lines = [IO.File]::ReadAllLines($Path)
    }

    It 'has no byte order mark' {
        ($bytes.Length -ge 3 -and $bytes[0] -eq 0xEF -and $bytes[1] -eq 0xBB -and $bytes[2] -eq 0xBF) | Should -BeFalse
    }

    It 'has no tabs' {
        @($lines | Select-String "`t").LineNumber | Should -BeNullOrEmpty
    }

    It 'has no trailing spaces' {
        @($lines | Select-String '\s+$').LineNumber | Should -BeNullOrEmpty
    }
}

Describe 'Command file <Name>' -ForEach $commandFiles {
    It 'holds one sealed PSCmdlet class named after the file' {
        # InventoryCmdlet (src/HaPg.PowerShell/InventoryCmdlet.cs) is the PSCmdlet base of the cmdlets that work on an
        # inventory's nodes, NodeCmdlet (NodeCmdlet.cs) its derived base for those that reach them over SSH.
        $text = Get-Content $Path -Raw
        $classes = @([regex]::Matches($text, 'class\s+(\w+)\s*:\s*(PSCmdlet|InventoryCmdlet|NodeCmdlet)\b'))
        $classes.Count | Should -Be 1
        $classes[0].Groups[1].Value | Should -Be ([IO.Path]::GetFileNameWithoutExtension($Path))
        $text | Should -Match "public\s+sealed\s+class\s+$($classes[0].Groups[1].Value)\b"
    }
}

Describe 'Table view <Name>' -ForEach $tableViews {
    It 'fits 120 columns' {
        $widths = @($Headers | Where-Object { $_.Width } | ForEach-Object { [int]$_.Width })
        ($widths | Measure-Object -Sum).Sum + ($Headers.Count - 1) | Should -BeLessOrEqual 120
    }
}
