using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace HaPg.PowerShell
{
    /// <summary>Points the runtime at the module's dependencies folder before any cmdlet runs.</summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        internal static string DependencyDirectory =>
            Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "dependencies");

        public void OnImport()
        {
            if (IsCoreClr)
            {
                IsolatedDependencyResolver.Register(DependencyDirectory);
            }
            else
            {
                AppDomain.CurrentDomain.AssemblyResolve += ResolveFromDependencyDirectory;
            }
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            if (IsCoreClr)
            {
                IsolatedDependencyResolver.Unregister();
            }
            else
            {
                AppDomain.CurrentDomain.AssemblyResolve -= ResolveFromDependencyDirectory;
            }
        }

        private static bool IsCoreClr => !System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription
            .StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        // Windows PowerShell 5.1 has no load contexts: resolve from the folder, best effort.
        private static Assembly? ResolveFromDependencyDirectory(object sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name).Name;
            var path = Path.Combine(DependencyDirectory, name + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }
    }
}
