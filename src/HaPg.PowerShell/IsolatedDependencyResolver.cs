using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace HaPg.PowerShell
{
    /// <summary>
    /// PowerShell 7: loads HaPg.Engine, and through it SSH.NET, YamlDotNet and their dependencies,
    /// into a load context of their own, so other modules' versions of them never clash with ours.
    /// </summary>
    internal static class IsolatedDependencyResolver
    {
        private const string EngineAssemblyName = "HaPg.Engine";
        private static DependencyLoadContext? loadContext;

        internal static void Register(string directory)
        {
            loadContext ??= new DependencyLoadContext(directory);
            AssemblyLoadContext.Default.Resolving += ResolveEngine;
        }

        internal static void Unregister() => AssemblyLoadContext.Default.Resolving -= ResolveEngine;

        private static Assembly? ResolveEngine(AssemblyLoadContext defaultContext, AssemblyName name) =>
            name.Name == EngineAssemblyName && loadContext is not null
                ? loadContext.LoadFromAssemblyName(name)
                : null;

        private sealed class DependencyLoadContext : AssemblyLoadContext
        {
            private readonly string directory;
            private readonly HashSet<string> platformAssemblies;

            internal DependencyLoadContext(string directory)
            {
                this.directory = directory;
                platformAssemblies = ReadPlatformAssemblyNames();
            }

            protected override Assembly? Load(AssemblyName assemblyName)
            {
                // Framework assemblies (System.Memory, netstandard facades...) always come from the runtime.
                if (assemblyName.Name is null || platformAssemblies.Contains(assemblyName.Name))
                {
                    return null;
                }

                var path = Path.Combine(directory, assemblyName.Name + ".dll");
                return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
            }

            private static HashSet<string> ReadPlatformAssemblyNames()
            {
                var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                var trusted = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty;
                foreach (var path in trusted.Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries))
                {
                    names.Add(Path.GetFileNameWithoutExtension(path));
                }

                return names;
            }
        }
    }
}
