using System;
using System.IO;
using System.Linq;
using Xunit;

namespace HaPg.Tests.Components
{
    /// <summary>A fact that runs only where an external tool (haproxy, nft) is installed; skipped, and says so, elsewhere.</summary>
    public sealed class ToolFactAttribute : FactAttribute
    {
        public ToolFactAttribute(string tool)
        {
            if (Find(tool) is null)
            {
                Skip = $"'{tool}' is not installed (apt-get install -y {tool})";
            }
        }

        public static string? Find(string tool) =>
            (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator)
            .Concat(new[] { "/usr/sbin", "/sbin" })
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
    }
}
