using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using HaPg.Components.Common;
using HaPg.Components.Platform;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;

namespace HaPg.Operations
{
    /// <summary>Test-HaPgConnection's work on one node: connect, check sudo, read the facts.</summary>
    public static class ConnectionTest
    {
        public const string Step = "Test-Connection";

        // Read-only facts as key=value lines; runs as the SSH user, so facts come even when sudo fails.
        private const string FactsScript =
            "( . /etc/os-release 2>/dev/null; echo \"os=$ID\"; echo \"os_version=$VERSION_ID\" )\n" +
            "echo \"pid1=$(cat /proc/1/comm 2>/dev/null || ps -p 1 -o comm= 2>/dev/null)\"\n" +
            "echo \"free_kb=$(df -Pk / 2>/dev/null | awk 'NR==2 {print $4}')\"\n" +
            "if apt-get -s -qq check >/dev/null 2>&1; then echo apt=ok; else echo apt=failed; fi\n" +
            "dpkg-query -W -f='pkg=${Package}|${Version}|${db:Status-Abbrev}\\n' postgresql 'postgresql-[0-9]*' patroni etcd-server etcd haproxy 2>/dev/null\n" +
            "true\n";

        public static async Task<HaPgConnectionResult> TestAsync(NodeContext context)
        {
            var node = context.Node;
            var stopwatch = Stopwatch.StartNew();
            var result = new HaPgConnectionResult
            {
                Node = node.Name, Role = node.Roles.ToString(), Step = Step, Address = node.Address, Inventory = context.Inventory,
            };

            void Report(HaPgRemoteException ex)
            {
                result.Errors.Add(ex.Message);
                context.WriteError(ex);
            }

            try
            {
                var host = await context.ConnectAsync().ConfigureAwait(false);
                result.Reachable = true;
                result.HostKeySha256 = host.HostKeySha256;

                context.SetStatus("checking sudo");
                try
                {
                    await context.Host.RunAsync(new RemoteCommand("true") { Timeout = TimeSpan.FromSeconds(30) }, context.CancellationToken, "sudo check").ConfigureAwait(false);
                    result.SudoOk = true;
                }
                catch (HaPgRemoteException ex) when (ex.ErrorId != RemoteErrorId.Unreachable)
                {
                    Report(ex);
                }

                context.SetStatus("reading facts");
                var facts = await context.Host.RunAsync(new RemoteCommand(FactsScript) { Sudo = false, Timeout = TimeSpan.FromMinutes(1) },
                    context.CancellationToken, "read facts").ConfigureAwait(false);
                Apply(ParseFacts(facts.Stdout), result);
                foreach (var problem in Problems(result, node))
                {
                    Report(problem);
                }
            }
            catch (HaPgRemoteException ex)
            {
                Report(ex);
            }

            result.Duration = stopwatch.Elapsed;
            result.Status = result.Errors.Count == 0 ? HaPgStatus.Succeeded : HaPgStatus.Failed;
            return result;
        }

        /// <summary>key=value lines; pkg= lines are gathered as "name|version|status" values.</summary>
        internal static ILookup<string, string> ParseFacts(string stdout) =>
            stdout.Split('\n').Select(l => l.Trim()).Where(l => l.Contains("="))
                .ToLookup(l => l.Substring(0, l.IndexOf('=')), l => l.Substring(l.IndexOf('=') + 1));

        internal static void Apply(ILookup<string, string> facts, HaPgConnectionResult result)
        {
            string? Fact(string key) => facts[key].FirstOrDefault() is { Length: > 0 } v ? v : null;

            result.Os = Fact("os");
            result.OsVersion = Fact("os_version");
            result.InitProcess = Fact("pid1");
            result.Systemd = result.InitProcess == "systemd";
            result.AptOk = Fact("apt") == "ok";
            if (long.TryParse(Fact("free_kb"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var freeKb))
            {
                result.FreeDiskGB = Math.Round(freeKb / 1024.0 / 1024.0, 1);
            }

            var installed = facts["pkg"].Select(p => p.Split('|')).Where(p => p.Length == 3 && p[2].StartsWith("ii", StringComparison.Ordinal))
                .ToDictionary(p => p[0], p => p[1]);
            var postgresServer = installed.Keys.Where(k => Regex.IsMatch(k, @"\Apostgresql-[0-9]+\z"))
                .OrderByDescending(k => int.Parse(k.Substring("postgresql-".Length), CultureInfo.InvariantCulture)).FirstOrDefault();
            AddInstalled(result, "postgresql", postgresServer is null ? Version(installed, "postgresql") : installed[postgresServer]);
            AddInstalled(result, "patroni", Version(installed, "patroni"));
            AddInstalled(result, "etcd", Version(installed, "etcd-server") ?? Version(installed, "etcd"));
            AddInstalled(result, "haproxy", Version(installed, "haproxy"));
        }

        private static IEnumerable<HaPgRemoteException> Problems(HaPgConnectionResult result, HaPgNode node)
        {
            if (SupportedRelease.Find(new OsRelease(result.Os ?? string.Empty, result.OsVersion ?? string.Empty)) is null)
            {
                yield return new HaPgRemoteException(RemoteErrorId.UnsupportedOs, ErrorCategory.NotImplemented, node,
                    $"{node.Name} runs '{result.Os ?? "unknown"} {result.OsVersion}'; HaPg supports {SupportedRelease.List}.");
            }

            if (!result.Systemd)
            {
                yield return new HaPgRemoteException(RemoteErrorId.NoSystemd, ErrorCategory.NotImplemented, node,
                    $"{node.Name} does not run systemd as PID 1 (PID 1 is '{result.InitProcess ?? "unknown"}'); HaPg manages services with systemd.");
            }

            if (!result.AptOk)
            {
                yield return new HaPgRemoteException(RemoteErrorId.AptFailed, ErrorCategory.ResourceUnavailable, node,
                    $"{node.Name}: 'apt-get -s check' failed; HaPg installs packages with apt. Run it on the node to see why.");
            }
        }

        private static string? Version(Dictionary<string, string> installed, string package) =>
            installed.TryGetValue(package, out var version) ? version : null;

        private static void AddInstalled(HaPgConnectionResult result, string component, string? version)
        {
            if (version is not null)
            {
                result.Installed[component] = version;
            }
        }
    }
}
