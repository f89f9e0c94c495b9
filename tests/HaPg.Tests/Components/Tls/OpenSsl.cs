using System;
using System.Diagnostics;
using System.IO;

namespace HaPg.Tests.Components.Tls
{
    /// <summary>Runs /usr/bin/openssl in a temp folder of its own (deleted on Dispose).</summary>
    internal sealed class OpenSsl : IDisposable
    {
        internal OpenSsl()
        {
            Folder = Path.Combine(Path.GetTempPath(), "hapg-tls-" + Path.GetRandomFileName());
            Directory.CreateDirectory(Folder);
        }

        internal string Folder { get; }

        internal string Write(string name, string content)
        {
            File.WriteAllText(Path.Combine(Folder, name), content);
            return name;
        }

        internal string Read(string name) => File.ReadAllText(Path.Combine(Folder, name));

        /// <summary>Runs openssl with the arguments (relative paths resolve in <see cref="Folder"/>); exit code and all output.</summary>
        internal (int ExitCode, string Output) Run(params string[] args)
        {
            var psi = new ProcessStartInfo(Components.ToolFactAttribute.Find("openssl")!)
            {
                WorkingDirectory = Folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var arg in args)
            {
                psi.ArgumentList.Add(arg);
            }

            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result + stderr);
        }

        /// <summary>Runs openssl and returns its output; throws with that output when it fails.</summary>
        internal string Ok(params string[] args)
        {
            var (code, output) = Run(args);
            return code == 0 ? output : throw new InvalidOperationException($"openssl {string.Join(" ", args)} exited {code}: {output}");
        }

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }
}
