using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Security;
using HaPg.Inventory;
using Xunit;

namespace HaPg.Tests.Remote
{
    /// <summary>A throwaway sshd on 127.0.0.1 (tests/fixtures/test-sshd.sh), shared by the "sshd" collection.</summary>
    public sealed class TestSshd : IDisposable
    {
        public TestSshd()
        {
            Directory = Path.Combine(Path.GetTempPath(), "hapg-sshd-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Port = FreePort();
            var output = Run("start", Directory, Port.ToString());
            var values = output.Split('\n').Where(l => l.Contains('=')).ToDictionary(l => l.Substring(0, l.IndexOf('=')), l => l.Substring(l.IndexOf('=') + 1).Trim());
            User = values["USER"];
            Password = File.ReadAllText(values["PASSWORD_FILE"]);
            KeyPath = values["KEY"];
            var hostKey = File.ReadAllText(values["HOST_KEY_PUB"]).Split(' ');
            HostKeyLine = hostKey[0] + " " + hostKey[1];
            HostKeyBlob = Convert.FromBase64String(hostKey[1]);
        }

        public string Directory { get; }
        public int Port { get; }
        public string User { get; }
        public string Password { get; }
        public string KeyPath { get; }

        /// <summary>"ssh-ed25519 AAAA..." of the server's host key.</summary>
        public string HostKeyLine { get; }

        public byte[] HostKeyBlob { get; }

        /// <summary>SHA256:... as ssh-keygen -lf prints it for the host key.</summary>
        public string HostKeyFingerprint => Process("ssh-keygen", "-lf", Path.Combine(Directory, "host_ed25519.pub")).Split(' ')[1];

        public static string RepositoryRoot
        {
            get
            {
                var dir = new DirectoryInfo(AppContext.BaseDirectory);
                while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HaPgPs.sln")))
                {
                    dir = dir.Parent;
                }

                return dir?.FullName ?? throw new InvalidOperationException("HaPgPs.sln not found above " + AppContext.BaseDirectory);
            }
        }

        /// <summary>A fresh known_hosts path in a fresh directory; trusted = it already holds the server's key.</summary>
        public string KnownHosts(bool trusted)
        {
            var dir = Path.Combine(Directory, "kh-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            var path = Path.Combine(dir, "known_hosts");
            if (trusted)
            {
                System.IO.Directory.CreateDirectory(dir);
                File.WriteAllText(path, $"[127.0.0.1]:{Port} {HostKeyLine}\n");
            }

            return path;
        }

        /// <summary>An inventory with one node "node-1" for this sshd, authenticating with the key (or the password).</summary>
        public HaPgInventory Inventory(string knownHostsPath, bool useKey = true, string? sshPassword = null, string? sudoPassword = null)
        {
            var node = new HaPgNode { Name = "node-1", Address = "127.0.0.1", Port = Port, User = User, KeyPath = useKey ? KeyPath : null, Roles = HaPgRole.Postgres };
            return new HaPgInventory
            {
                Nodes = { node },
                KnownHostsPath = knownHostsPath,
                Credential = sshPassword is null ? null : new PSCredential(User, Secure(sshPassword)),
                SudoPassword = sudoPassword is null ? null : Secure(sudoPassword),
            };
        }

        public static SecureString Secure(string value)
        {
            var secure = new SecureString();
            foreach (var c in value)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        public static int FreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        public static string Process(string file, params string[] arguments)
        {
            var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            using var process = System.Diagnostics.Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {stderr}");
            }

            return stdout.Result;
        }

        public void Dispose() => Run("stop", Directory);

        private static string Run(params string[] arguments) =>
            Process("bash", new[] { Path.Combine(RepositoryRoot, "tests", "fixtures", "test-sshd.sh") }.Concat(arguments).ToArray());
    }

    [CollectionDefinition("sshd")]
    public sealed class SshdCollection : ICollectionFixture<TestSshd>
    {
    }
}
