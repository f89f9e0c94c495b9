<#
.SYNOPSIS
    Writes MAML external help for every HaPg cmdlet from its metadata and its XML doc comments.
.DESCRIPTION
    platyPS is not installable here, so help is generated at build time:
    - class <summary>   -> synopsis
    - class <remarks>   -> description (one paragraph per <para>)
    - class <example>   -> examples: <code> is the example, <para> its remarks
    - property <summary> -> parameter description
    A cmdlet or parameter without text fails the build's meta-tests, not this script.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $DocumentationXml,
    [Parameter(Mandatory)] [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
$module = Import-Module $ModuleManifest -PassThru -Force
[xml] $docs = Get-Content $DocumentationXml -Raw
$members = @{}
foreach ($member in $docs.doc.members.member) { $members[$member.name] = $member }

$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

function Get-Paragraphs($node) {
    if ($null -eq $node) { return @() }
    $paras = @($node.SelectNodes('para') | ForEach-Object { Format-DocText $_ })
    if ($paras.Count -eq 0) { $paras = @(Format-DocText $node) }
    $paras | Where-Object { $_ }
}

function Format-DocText($node) {
    # Inline <c>, <see cref>, <paramref> become plain text.
    $text = foreach ($child in $node.ChildNodes) {
        switch ($child.NodeType) {
            'Text' { $child.Value }
            'Element' {
                if ($child.Name -eq 'see') { ($child.GetAttribute('cref') -replace '^[A-Z]:', '' -split '\.')[-1] }
                elseif ($child.Name -eq 'paramref') { '-' + $child.GetAttribute('name') }
                elseif ($child.Name -ne 'para') { $child.InnerText }
            }
        }
    }
    (($text -join '') -replace '\s+', ' ').Trim()
}

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
New-Item -ItemType Directory -Force (Split-Path $OutputPath) | Out-Null
$writer = [System.Xml.XmlWriter]::Create($OutputPath, $settings)
$maml = 'http://schemas.microsoft.com/maml/2004/10'
$cmd = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'

function Write-Paras([string[]] $Paragraphs) {
    foreach ($p in $Paragraphs) { $writer.WriteElementString('maml', 'para', $maml, $p) }
}

function Write-Description([string[]] $Paragraphs) {
    $writer.WriteStartElement('maml', 'description', $maml); Write-Paras $Paragraphs; $writer.WriteEndElement()
}

function Write-Parameter($Parameter, $SetParameter, [string[]] $Description) {
    $writer.WriteStartElement('command', 'parameter', $cmd)
    $position = if ($SetParameter -and $SetParameter.Position -ge 0) { [string]$SetParameter.Position } else { 'named' }
    $pipeline = @()
    if ($Parameter.Attributes | Where-Object { $_ -is [Parameter] -and $_.ValueFromPipeline }) { $pipeline += 'ByValue' }
    if ($Parameter.Attributes | Where-Object { $_ -is [Parameter] -and $_.ValueFromPipelineByPropertyName }) { $pipeline += 'ByPropertyName' }
    $writer.WriteAttributeString('required', ([string][bool]($SetParameter -and $SetParameter.IsMandatory)).ToLowerInvariant())
    $writer.WriteAttributeString('position', $position)
    $writer.WriteAttributeString('pipelineInput', $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }))
    $writer.WriteAttributeString('globbing', 'false')
    $writer.WriteAttributeString('variableLength', 'true')
    $writer.WriteElementString('maml', 'name', $maml, $Parameter.Name)
    Write-Description $Description
    $typeName = if ($Parameter.ParameterType -eq [switch]) { 'SwitchParameter' } else { $Parameter.ParameterType.Name }
    $writer.WriteStartElement('command', 'parameterValue', $cmd)
    $writer.WriteAttributeString('required', ($Parameter.ParameterType -ne [switch]).ToString().ToLowerInvariant())
    $writer.WriteString($typeName)
    $writer.WriteEndElement()
    $writer.WriteStartElement('dev', 'type', $dev); $writer.WriteElementString('maml', 'name', $maml, $Parameter.ParameterType.FullName); $writer.WriteEndElement()
    $writer.WriteEndElement()
}

$writer.WriteStartDocument()
$writer.WriteStartElement('helpItems', 'http://msh')
$writer.WriteAttributeString('schema', 'maml')
foreach ($command in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
    $type = $command.ImplementingType
    $typeDoc = $members["T:$($type.FullName)"]
    $writer.WriteStartElement('command', 'command', $cmd)
    $writer.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $writer.WriteAttributeString('xmlns', 'dev', $null, $dev)

    $writer.WriteStartElement('command', 'details', $cmd)
    $writer.WriteElementString('command', 'name', $cmd, $command.Name)
    $writer.WriteElementString('command', 'verb', $cmd, $command.Verb)
    $writer.WriteElementString('command', 'noun', $cmd, $command.Noun)
    Write-Description (Get-Paragraphs $typeDoc.SelectSingleNode("summary"))
    $writer.WriteEndElement()
    Write-Description (Get-Paragraphs $typeDoc.SelectSingleNode("remarks"))

    $ownParameters = $command.Parameters.Values | Where-Object Name -NotIn $common
    $paramDoc = @{}
    foreach ($p in $ownParameters) {
        # Shared parameters are documented once, on the base class that declares them.
        $declaring = $type.GetProperty($p.Name).DeclaringType.FullName
        $paramDoc[$p.Name] = @(Get-Paragraphs $members["P:$declaring.$($p.Name)"]?.SelectSingleNode("summary"))
    }

    $writer.WriteStartElement('command', 'syntax', $cmd)
    foreach ($set in $command.ParameterSets) {
        $writer.WriteStartElement('command', 'syntaxItem', $cmd)
        $writer.WriteElementString('maml', 'name', $maml, $command.Name)
        foreach ($sp in $set.Parameters | Where-Object Name -NotIn $common) {
            Write-Parameter $command.Parameters[$sp.Name] $sp $paramDoc[$sp.Name]
        }
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'parameters', $cmd)
    foreach ($p in $ownParameters) {
        $sp = $command.ParameterSets.Parameters | Where-Object Name -EQ $p.Name | Sort-Object IsMandatory -Descending | Select-Object -First 1
        Write-Parameter $p $sp $paramDoc[$p.Name]
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'returnValues', $cmd)
    foreach ($output in $command.OutputType) {
        $writer.WriteStartElement('command', 'returnValue', $cmd)
        $writer.WriteStartElement('dev', 'type', $dev); $writer.WriteElementString('maml', 'name', $maml, $output.Name); $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'examples', $cmd)
    $index = 0
    foreach ($example in @($typeDoc.SelectNodes('example'))) {
        $index++
        $writer.WriteStartElement('command', 'example', $cmd)
        $writer.WriteElementString('maml', 'title', $maml, "-------------------------- Example $index --------------------------")
        $code = ($example.SelectNodes('code') | ForEach-Object { $_.InnerText.Trim() }) -join "`n"
        $writer.WriteElementString('dev', 'code', $dev, $code)
        $writer.WriteStartElement('dev', 'remarks', $dev); Write-Paras @($example.SelectNodes('para') | ForEach-Object { Format-DocText $_ }); $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
    $writer.WriteEndElement()
}
$writer.WriteEndElement()
$writer.WriteEndDocument()
$writer.Dispose()
Write-Host "Help: $OutputPath"
