# Dot-sourced by the per-cmdlet test files (tests/pester/cmdlets/<Verb-Noun>.Tests.ps1) and the meta-tests (Module.Tests.ps1).
# Offline: nothing here contacts a host.

# A type as these pins name it: the PowerShell short name of common types, else the full name; string[], Nullable[int].
# Engine types load into an isolated context, so scripts cannot name them as [type]: this compares names.
function Format-HaPgParameterType([type] $Type) {
    if ($Type.IsArray) { return (Format-HaPgParameterType $Type.GetElementType()) + '[]' }
    if ($Type.IsGenericType -and $Type.GetGenericTypeDefinition() -eq [Nullable`1]) {
        return 'Nullable[' + (Format-HaPgParameterType $Type.GetGenericArguments()[0]) + ']'
    }
    $short = @{
        'System.String' = 'string'; 'System.Int32' = 'int'; 'System.Int64' = 'long'; 'System.Double' = 'double'
        'System.Boolean' = 'bool'; 'System.Object' = 'object'; 'System.Security.SecureString' = 'securestring'
        'System.Management.Automation.SwitchParameter' = 'switch'; 'System.Management.Automation.PSCredential' = 'pscredential'
        'System.Management.Automation.ScriptBlock' = 'scriptblock'
    }
    if ($short.ContainsKey($Type.FullName)) { $short[$Type.FullName] } else { $Type.FullName }
}

# One line per public parameter of the cmdlet, common parameters left out, sorted by name:
#   '<Name> [<type>] <binding>' where the binding lists Mandatory, Position=<n>, ValueFromPipeline and
#   ValueFromPipelineByPropertyName, per parameter set ('<Set>: <binding>') when the parameter is not in all sets,
#   then Alias=<aliases>. E.g. 'Inventory [HaPg.Inventory.HaPgInventory] Mandatory ValueFromPipeline ValueFromPipelineByPropertyName'.
function Get-HaPgParameterPin([string] $Name) {
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $command = Get-Command $Name -CommandType Cmdlet -ErrorAction Stop
    foreach ($parameter in $command.Parameters.Values | Where-Object Name -NotIn $common | Sort-Object Name) {
        $bindings = foreach ($set in $parameter.ParameterSets.GetEnumerator() | Sort-Object Key) {
            $flags = @(
                if ($set.Value.IsMandatory) { 'Mandatory' }
                if ($set.Value.Position -ge 0) { "Position=$($set.Value.Position)" }
                if ($set.Value.ValueFromPipeline) { 'ValueFromPipeline' }
                if ($set.Value.ValueFromPipelineByPropertyName) { 'ValueFromPipelineByPropertyName' }
            ) -join ' '
            if ($set.Key -eq '__AllParameterSets') { $flags } else { "$($set.Key):$(if ($flags) { " $flags" })" }
        }
        $aliases = if ($parameter.Aliases.Count) { 'Alias=' + (@($parameter.Aliases | Sort-Object) -join ',') }
        (@("$($parameter.Name) [$(Format-HaPgParameterType $parameter.ParameterType)]") + @($bindings) + @($aliases) |
            Where-Object { $_ }) -join ' '
    }
}

# A valid inventory of three nodes, pg1..3 on TEST-NET-1 addresses, that no cmdlet can reach: its key file is not a key,
# so a cmdlet that connects fails on each node (HaPg.Ssh.AuthenticationFailed) before it opens any connection.
function New-HaPgTestInventory([string] $Directory) {
    $key = Join-Path $Directory 'id_ed25519'
    Set-Content $key 'the inventory only checks that the key file exists'
    1..3 | ForEach-Object { [pscustomobject]@{ Name = "pg$_"; Address = "192.0.2.1$_"; KeyPath = $key } } |
        New-HaPgInventory -ClusterName pg -KnownHostsPath (Join-Path $Directory 'known_hosts') -WarningAction SilentlyContinue
}

# The error record a script block ends with, or $null.
function Get-HaPgError([scriptblock] $Script) {
    try { & $Script | Out-Null; $null } catch { $_ }
}
