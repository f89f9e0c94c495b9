# The failover writer's PostgreSQL client (Npgsql) ships in dependencies/ and loads in the module's isolated load context.
BeforeAll {
    Import-Module $env:HAPG_MODULE_MANIFEST -Force
    $script:dependencies = Join-Path (Split-Path $env:HAPG_MODULE_MANIFEST) 'dependencies'
}

Describe 'Failover dependencies' {
    It 'ships Npgsql and every assembly it references that the platform does not provide' {
        $npgsql = Join-Path $dependencies 'Npgsql.dll'
        $npgsql | Should -Exist
        $platform = ([AppContext]::GetData('TRUSTED_PLATFORM_ASSEMBLIES') -split [IO.Path]::PathSeparator) |
            ForEach-Object { [IO.Path]::GetFileNameWithoutExtension($_) }
        $stream = [IO.File]::OpenRead($npgsql)
        try {
            $reader = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader([System.Reflection.PortableExecutable.PEReader]::new($stream))
            $references = $reader.AssemblyReferences | ForEach-Object { $reader.GetString($reader.GetAssemblyReference($_).Name) }
        }
        finally {
            $stream.Dispose()
        }
        $references | Should -Not -BeNullOrEmpty
        $missing = $references | Where-Object { $_ -notin $platform -and -not (Test-Path (Join-Path $dependencies "$_.dll")) }
        $missing | Should -BeNullOrEmpty
    }

    It 'runs the writer inside the isolated load context' {
        # Resolving the engine by name goes through the module's resolver, exactly as a cmdlet would.
        $engine = [System.Runtime.Loader.AssemblyLoadContext]::Default.LoadFromAssemblyName([Reflection.AssemblyName]::new('HaPg.Engine'))
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine) | Should -Not -Be ([System.Runtime.Loader.AssemblyLoadContext]::Default)

        $password = [securestring]::new()
        'unused'.ToCharArray() | ForEach-Object { $password.AppendChar($_) }
        # Port 1 on loopback refuses at once: every attempt must be a Failed connect, recorded by Npgsql's real client code.
        $target = [Activator]::CreateInstance($engine.GetType('HaPg.Failover.PostgresTarget'), @('127.0.0.1', 1, 'postgres', 'postgres', $password))
        $clock = [Activator]::CreateInstance($engine.GetType('HaPg.Failover.FailoverClock'))
        $workload = [Activator]::CreateInstance($engine.GetType('HaPg.Failover.WriteWorkload'), @($target, 'pester', $clock, $null))
        # Stopped once a few attempts are in, not after a fixed time: a busy machine may take longer to make them.
        $stop = [Threading.CancellationTokenSource]::new()
        $run = $workload.RunAsync($stop.Token)
        $deadline = (Get-Date).AddSeconds(60)
        while ($workload.Attempts.Count -lt 3 -and -not $run.IsCompleted -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
        $stop.Cancel()
        $run.GetAwaiter().GetResult()

        $npgsql = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Npgsql' }
        @($npgsql).Count | Should -Be 1
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($npgsql) | Should -Be ([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine))
        $workload.Attempts.Count | Should -BeGreaterOrEqual 3
        $workload.Attempts | ForEach-Object { $_.Outcome.ToString() } | Sort-Object -Unique | Should -Be 'Failed'
        $workload.Attempts[0].Error | Should -Match 'refused'
    }
}
