using System.Diagnostics;
using System.IO;

namespace HaPg.Tests.Components
{
    internal static class ToolRunner
    {
        /// <summary>Writes content to a temp file, runs tool with args ("{0}" = the file), returns exit code and output.</summary>
        public static (int ExitCode, string Output) RunOnFile(string tool, string args, string content)
        {
            var file = Path.Combine(Path.GetTempPath(), "hapg-test-" + Path.GetRandomFileName());
            File.WriteAllText(file, content);
            try
            {
                var psi = new ProcessStartInfo(ToolFactAttribute.Find(tool)!, string.Format(args, file))
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                };
                using var process = Process.Start(psi)!;
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEnd();
                process.WaitForExit();
                return (process.ExitCode, stdout.Result + stderr);
            }
            finally
            {
                File.Delete(file);
            }
        }
    }
}
