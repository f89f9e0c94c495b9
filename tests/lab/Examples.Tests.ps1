# examples/Cluster.Tests.ps1 against a real cluster: the pipeline builds it on fresh lab nodes, its inventory is exported
# with its secrets, and the example runs through Invoke-Pester in this process, as a DBA would run it. Needs root (the lab).

BeforeAll {
    Import-Module $env:HAPG_MODULE_MANIFEST -Force
    Import-Module (Join-Path $PSScriptRoot 'HaPgLab.psd1') -Force
    $script:example = (Resolve-Path (Join-Path $PSScriptRoot '../../examples/Cluster.Tests.ps1')).Path

    # Runs the example with the inventory in the environment, as its help shows; returns Pester's run object.
    function Invoke-Example([string] $InventoryPath, [string] $SecretsPath) {
        $saved = $env:HAPG_INVENTORY, $env:HAPG_SECRETS
        $env:HAPG_INVENTORY, $env:HAPG_SECRETS = $InventoryPath, $SecretsPath
        try {
            $configuration = New-PesterConfiguration
            $configuration.Run.Path = $example
            $configuration.Run.PassThru = $true
            $configuration.Output.Verbosity = 'None'
            Invoke-Pester -Configuration $configuration
        }
        finally {
            $env:HAPG_INVENTORY, $env:HAPG_SECRETS = $saved
        }
    }

    function Format-Failed($Run) { $Run.Failed | ForEach-Object { "$($_.ExpandedPath): $($_.ErrorRecord)" } }
}

Describe 'examples/Cluster.Tests.ps1 on a cluster the pipeline built' -Tag Lab {
    BeforeAll {
        $script:labName = 'polishex'
        $nodes = New-HaPgLab -Name $labName -NodeCount 5
        $subnet = ($nodes[0].Address -replace '\.\d+$', '.0') + '/24'
        $inventory = $nodes | New-HaPgInventory -ClusterName $labName -KnownHostsPath $nodes[0].KnownHostsPath -ClientNetwork $subnet `
            -WarningAction SilentlyContinue
        $inventory | Set-HaPgFirewall -ErrorAction Stop | Install-HaPgEtcd -ErrorAction Stop | Install-HaPgPatroni -ErrorAction Stop |
            Set-HaPgPatroniConfig -ErrorAction Stop | Install-HaPgHaproxy -ErrorAction Stop | Out-Null

        $script:folder = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "hapg-example-$([guid]::NewGuid().ToString('N'))")
        $script:inventoryPath = Join-Path $folder 'cluster.yaml'
        $script:secretsPath = Join-Path $folder 'cluster.secrets.yaml'
        $inventory | Export-HaPgInventory $inventoryPath -SecretsPath $secretsPath
        $script:checkCount = @($inventory | Test-HaPgCluster).Count
    }

    AfterAll {
        Remove-HaPgLab -Name $labName
        if ($folder) { Remove-Item $folder -Recurse -Force }
    }

    It 'passes every test: reading, one per check, and the member assertions' {
        $run = Invoke-Example $inventoryPath $secretsPath

        Format-Failed $run | Should -BeNullOrEmpty
        $run.Result | Should -Be 'Passed'
        $run.FailedCount | Should -Be 0
        $run.PassedCount | Should -BeGreaterThan 10
        $run.PassedCount | Should -Be ($checkCount + 7)
        $run.Passed.ExpandedPath | Should -Contain 'Cluster check OneLeader.passes on node-1'
        $run.Passed.ExpandedPath | Should -Contain 'Cluster check ReplicaStreaming.passes on node-3'
    }

    It 'fails exactly the HAProxy tests while HAProxy is down' {
        Invoke-HaPgLabCommand -Lab $labName -Name node-5 -Command 'systemctl stop haproxy' | Out-Null
        try {
            $run = Invoke-Example $inventoryPath $secretsPath
        }
        finally {
            Invoke-HaPgLabCommand -Lab $labName -Name node-5 -Command 'systemctl start haproxy' | Out-Null
        }

        $run.Result | Should -Be 'Failed'
        @($run.Failed.ExpandedPath | Sort-Object) | Should -Be @(
            'Cluster check HaproxyRoutesReadsToReplicas.passes on node-5'
            'Cluster check HaproxyRoutesWritesToLeader.passes on node-5'
            # The node's read stops at HAProxy's admin socket, so its TLS facts are not read either: TlsOnly fails, "could not be read".
            'Cluster check TlsOnly.passes on node-5'
            'Cluster members.has HAProxy sending writes (5000) to the leader alone'
            'Reading the cluster.reads every node'
        )
        ($run.Failed | Where-Object ExpandedPath -EQ 'Reading the cluster.reads every node').ErrorRecord | Out-String |
            Should -Match 'node-5: show stat failed'
    }
}
