using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Inventory;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace HaPg.Remote
{
    /// <summary>How to connect; the pool passes the same options to every node.</summary>
    public sealed class SshConnectOptions
    {
        /// <summary>
        /// Trust a host key that known_hosts does not know yet, and record it (-AcceptHostKey, -Force). When a password would
        /// be sent to the host (<see cref="HostKeyPolicy.PasswordsSentTo"/>), only the fingerprint in <see cref="ConfirmedHostKeys"/>.
        /// </summary>
        public bool AcceptUnknownHostKey { get; set; }

        /// <summary>
        /// Node name to the SHA256 fingerprint of an unknown host key the user confirmed on the pipeline thread (after a
        /// <see cref="SshNodeConnection.ProbeHostKeyAsync"/>); set before the nodes' work starts, read by it.
        /// </summary>
        public System.Collections.Concurrent.ConcurrentDictionary<string, string> ConfirmedHostKeys { get; } =
            new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

        public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);
    }

    /// <summary>
    /// One authenticated SSH connection to a node. Commands run through sh -c, under sudo as the
    /// inventory says (see <see cref="HaPgInventory.SudoFor"/>). Thread-safe: commands may run concurrently.
    /// </summary>
    public sealed class SshNodeConnection : IRemoteHost, IDisposable
    {
        private const int StderrTailLines = 10;

        private readonly SshClient client;
        private readonly HaPgInventory inventory;
        private readonly Redactor redactor;
        private readonly string? sudoPassword;
        private int hostKeyNoticeClaimed;

        private SshNodeConnection(SshClient client, HaPgInventory inventory, HaPgNode node, HostKeyDecision decision, string knownHostsPath)
        {
            this.client = client;
            this.inventory = inventory;
            Node = node;
            HostKeySha256 = decision.Fingerprint;
            HostKeyRecorded = decision.Record;
            KnownHostsPath = knownHostsPath;
            redactor = Redactor.For(inventory);
            sudoPassword = Redactor.Reveal(inventory.SudoPassword);
        }

        public HaPgNode Node { get; }

        /// <summary>SHA256:... of the host key the node presented.</summary>
        public string HostKeySha256 { get; }

        /// <summary>The key was unknown, accepted (-AcceptHostKey/-Force) and recorded in known_hosts.</summary>
        public bool HostKeyRecorded { get; }

        /// <summary>False once the session dropped (node powered off, cut off the network...).</summary>
        public bool IsConnected => client.IsConnected;

        public string KnownHostsPath { get; }

        /// <summary>
        /// Connects and authenticates: with the node's KeyPath (passphrase = the Credential's password, if
        /// the key is encrypted); else with the Credential's password (password and keyboard-interactive);
        /// else with ~/.ssh/id_ed25519, id_ecdsa or id_rsa. Throws HaPgRemoteException.
        /// </summary>
        public static async Task<SshNodeConnection> ConnectAsync(HaPgInventory inventory, HaPgNode node, SshConnectOptions options, CancellationToken cancellationToken)
        {
            var redactor = Redactor.For(inventory);
            var knownHostsPath = KnownHostsFile.ResolvePath(inventory.KnownHostsPath);
            var knownHosts = KnownHostsFile.Load(knownHostsPath);
            // With a password to send, an unknown key must be the one the user confirmed: refused in HostKeyReceived, before authentication.
            var policy = new HostKeyPolicy(knownHosts, node, options.AcceptUnknownHostKey, HostKeyPolicy.PasswordsSentTo(inventory, node) is not null,
                options.ConfirmedHostKeys.TryGetValue(node.Name, out var confirmed) ? confirmed : null);
            HostKeyDecision? decision = null;
            byte[]? hostKey = null;

            var connectionInfo = new ConnectionInfo(node.Address, node.Port, node.User, AuthenticationMethods(inventory, node))
            {
                Timeout = options.ConnectTimeout,
            };
            PreferKnownKeyTypes(connectionInfo, knownHosts.KeyTypesFor(node.Address, node.Port));
            var client = new SshClient(connectionInfo) { KeepAliveInterval = options.KeepAliveInterval };

            // SSH.NET's thread: decide from preloaded data only.
            client.HostKeyReceived += (_, e) =>
            {
                hostKey = e.HostKey;
                decision = policy.Decide(e.HostKey);
                e.CanTrust = decision.Trust;
            };

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout + TimeSpan.FromSeconds(2));
            try
            {
                await client.ConnectAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                client.Dispose();
                if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                throw decision?.ToException(node, knownHostsPath) ?? ConnectError(node, options, redactor, ex);
            }

            if (decision!.Record)
            {
                KnownHostsFile.Append(knownHostsPath, node.Address, node.Port, hostKey!);
            }

            return new SshNodeConnection(client, inventory, node, decision, knownHostsPath);
        }

        /// <summary>
        /// Learns the node's host key without authenticating: a connection that offers no credential at all, dropped in
        /// HostKeyReceived (which SSH.NET raises after key exchange, before any authentication). Returns the SHA256 fingerprint,
        /// or null when the host could not be reached (the real connection then reports why). Nothing is sent but the key exchange.
        /// </summary>
        public static async Task<string?> ProbeHostKeyAsync(HaPgInventory inventory, HaPgNode node, SshConnectOptions options, CancellationToken cancellationToken)
        {
            var knownHosts = KnownHostsFile.Load(KnownHostsFile.ResolvePath(inventory.KnownHostsPath));
            var connectionInfo = new ConnectionInfo(node.Address, node.Port, node.User, new NoneAuthenticationMethod(node.User)) { Timeout = options.ConnectTimeout };
            PreferKnownKeyTypes(connectionInfo, knownHosts.KeyTypesFor(node.Address, node.Port)); // as the real connection does: the same key
            string? fingerprint = null;
            using var client = new SshClient(connectionInfo);
            client.HostKeyReceived += (_, e) =>
            {
                fingerprint = HostKeyFingerprint.Sha256(e.HostKey);
                e.CanTrust = false;
            };
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout + TimeSpan.FromSeconds(2));
            try
            {
                await client.ConnectAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                // Expected: the key was refused on purpose, or the host is not there.
            }

            return fingerprint;
        }

        /// <summary>
        /// Runs the command. Cancelling the token or reaching RemoteCommand.Timeout stops the remote
        /// command and its children (TERM) and throws (OperationCanceledException, or HaPg.Ssh.Timeout). A refused sudo throws
        /// HaPg.Ssh.SudoRefused; any other exit code is returned, not thrown.
        /// </summary>
        public async Task<RemoteCommandResult> ExecuteAsync(RemoteCommand command, CancellationToken cancellationToken)
        {
            var mode = command.Sudo ? inventory.SudoFor(Node) : SudoMode.None;
            var redact = redactor.With(command.Secrets);
            var stopwatch = Stopwatch.StartNew();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(command.Timeout);
            var tag = RemoteCommandLine.NewTag();
            SshCommand? ssh = null;
            Task<string> stdout, stderr;
            int? exitCode;
            try
            {
                ssh = client.CreateCommand(RemoteCommandLine.Build(command.Text, mode, tag));
                var execution = ssh.ExecuteAsync(CancellationToken.None);
                stdout = Pump(ssh.OutputStream, redact, command.LogStdout ? command.OutputLine : null);
                stderr = Pump(ssh.ExtendedOutputStream, redact, command.OutputLine);
                await WriteStdinAsync(ssh, RemoteCommandLine.Stdin(command.Stdin, mode, sudoPassword)).ConfigureAwait(false);
                if (await Task.WhenAny(execution, WhenCancelled(timeout.Token)).ConfigureAwait(false) != execution)
                {
                    // Kill first: SSH's own signal would end only the session's process and orphan its children.
                    await StopRemoteAsync(tag, command.Sudo).ConfigureAwait(false);
                    ssh.CancelAsync(forceKill: false, millisecondsTimeout: 1000);
                    _ = execution.ContinueWith(t => t.Exception, TaskScheduler.Default);
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new HaPgRemoteException(RemoteErrorId.Timeout, ErrorCategory.OperationTimeout, Node,
                        $"{Node.Name}: the command did not finish within {command.Timeout.TotalSeconds:0}s and was stopped: {redact.Redact(FirstLine(command.Text))}");
                }

                await execution.ConfigureAwait(false);
                await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
                exitCode = ssh.ExitStatus;
            }
            catch (Exception ex) when (ex is SshException || ex is SocketException || ex is ObjectDisposedException)
            {
                throw new HaPgRemoteException(RemoteErrorId.Unreachable, ErrorCategory.ConnectionError, Node,
                    $"{Node.Name}: the connection failed while running a command: {redact.Redact(ex.Message)}", ex);
            }
            finally
            {
                ssh?.Dispose();
            }

            var result = new RemoteCommandResult
            {
                ExitCode = exitCode,
                Stdout = stdout.Result,
                Stderr = redact.Redact(stderr.Result), // only ever read for messages: masked before any is composed
                Duration = stopwatch.Elapsed,
            };
            if (RemoteCommandLine.IsSudoRefusal(mode, result.ExitCode, result.Stderr))
            {
                throw new HaPgRemoteException(RemoteErrorId.SudoRefused, ErrorCategory.PermissionDenied, Node,
                    $"{Node.Name}: sudo refused user '{Node.User}' ({mode}): {redact.Redact(Tail(result.Stderr, StderrTailLines))}. " +
                    "Check the inventory's Sudo mode and SudoPassword, and the node's sudoers.");
            }

            return result;
        }

        // A command that exits without reading its stdin closes the channel first; that is not an error.
        private static async Task WriteStdinAsync(SshCommand ssh, byte[] bytes)
        {
            try
            {
                using var input = ssh.CreateInputStream();
                await input.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SshException || ex is ObjectDisposedException || ex is IOException || ex is InvalidOperationException)
            {
            }
        }

        private static Task WhenCancelled(CancellationToken token)
        {
            var cancelled = new TaskCompletionSource<bool>();
            token.Register(() => cancelled.TrySetResult(true));
            return cancelled.Task;
        }

        private static string FirstLine(string text) => text.Trim().Split('\n')[0];

        // Stops the command's whole process group (see RemoteCommandLine.KillByTag). Best effort.
        private async Task StopRemoteAsync(string tag, bool sudo)
        {
            try
            {
                await ExecuteAsync(new RemoteCommand(RemoteCommandLine.KillByTag(tag)) { Sudo = sudo, Timeout = TimeSpan.FromSeconds(15) }, CancellationToken.None)
                    .ConfigureAwait(false);
            }
            catch (HaPgRemoteException)
            {
                // The connection may be gone, and with it the command.
            }
        }

        /// <summary>The last lines of a command's output, for error messages.</summary>
        internal static string Tail(string text, int lines) =>
            string.Join(Environment.NewLine, text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).Reverse().Take(lines).Reverse());

        public string? ClaimHostKeyNotice() =>
            HostKeyRecorded && Interlocked.Exchange(ref hostKeyNoticeClaimed, 1) == 0
                ? $"Trusted the new host key {HostKeySha256} and recorded it in {KnownHostsPath}."
                : null;

        public void Dispose() => client.Dispose();

        public override string ToString() => $"{Node.Name} ({Node.User}@{KnownHostsFile.HostName(Node.Address, Node.Port)})";

        // Keeps the exact bytes for the result; hands complete lines to the callback as they arrive.
        private static async Task<string> Pump(Stream stream, Redactor redact, Action<string>? lineSink)
        {
            var all = new MemoryStream();
            var line = new MemoryStream();
            var buffer = new byte[8192];
            int read;
            while ((read = await stream.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
            {
                all.Write(buffer, 0, read);
                if (lineSink is null)
                {
                    continue;
                }

                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] == (byte)'\n')
                    {
                        Emit(line, redact, lineSink);
                    }
                    else
                    {
                        line.WriteByte(buffer[i]);
                    }
                }
            }

            if (lineSink is not null && line.Length > 0)
            {
                Emit(line, redact, lineSink);
            }

            return Encoding.UTF8.GetString(all.ToArray());
        }

        private static void Emit(MemoryStream line, Redactor redact, Action<string> lineSink)
        {
            lineSink(redact.Redact(Encoding.UTF8.GetString(line.ToArray()).TrimEnd('\r')));
            line.SetLength(0);
        }

        private static AuthenticationMethod[] AuthenticationMethods(HaPgInventory inventory, HaPgNode node)
        {
            var password = Redactor.Reveal(inventory.Credential?.Password);
            if (!string.IsNullOrEmpty(node.KeyPath))
            {
                return new AuthenticationMethod[] { new PrivateKeyAuthenticationMethod(node.User, LoadKey(node, KnownHostsFile.ResolvePath(node.KeyPath), password)) };
            }

            if (password is not null)
            {
                var interactive = new KeyboardInteractiveAuthenticationMethod(node.User);
                interactive.AuthenticationPrompt += (_, e) =>
                {
                    foreach (var prompt in e.Prompts)
                    {
                        prompt.Response = password;
                    }
                };
                return new AuthenticationMethod[] { new PasswordAuthenticationMethod(node.User, password), interactive };
            }

            var sshDirectory = Path.GetDirectoryName(KnownHostsFile.DefaultPath)!;
            var keys = new[] { "id_ed25519", "id_ecdsa", "id_rsa" }.Select(k => Path.Combine(sshDirectory, k)).Where(File.Exists)
                .Select(path => LoadKey(node, path, null)).ToArray();
            if (keys.Length == 0)
            {
                throw new HaPgRemoteException(RemoteErrorId.AuthenticationFailed, ErrorCategory.AuthenticationError, node,
                    $"{node.Name}: no way to authenticate: set the node's KeyPath, or the inventory's Credential, or create ~/.ssh/id_ed25519.");
            }

            return new AuthenticationMethod[] { new PrivateKeyAuthenticationMethod(node.User, keys) };
        }

        private static IPrivateKeySource LoadKey(HaPgNode node, string path, string? passphrase)
        {
            try
            {
                try
                {
                    return new PrivateKeyFile(path);
                }
                catch (SshPassPhraseNullOrEmptyException) when (passphrase is not null)
                {
                    return new PrivateKeyFile(path, passphrase);
                }
            }
            catch (Exception ex) when (ex is SshException || ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is InvalidOperationException)
            {
                var hint = ex is SshPassPhraseNullOrEmptyException ? " It is encrypted: pass its passphrase as the inventory's Credential password." : string.Empty;
                throw new HaPgRemoteException(RemoteErrorId.AuthenticationFailed, ErrorCategory.AuthenticationError, node,
                    $"{node.Name}: cannot use the private key {path}: {ex.Message}{hint}", ex);
            }
        }

        // ssh prefers the key types known_hosts has for a host; so do we. Host certificates are not used.
        private static void PreferKnownKeyTypes(ConnectionInfo connectionInfo, IReadOnlyCollection<string> knownTypes)
        {
            var algorithms = connectionInfo.HostKeyAlgorithms;
            foreach (var name in algorithms.Keys.ToList())
            {
                var keyType = name.StartsWith("rsa-sha2-", StringComparison.Ordinal) ? "ssh-rsa" : name;
                if (name.Contains("-cert-") || (knownTypes.Count > 0 && !knownTypes.Contains(keyType)))
                {
                    algorithms.Remove(name);
                }
            }
        }

        private static HaPgRemoteException ConnectError(HaPgNode node, SshConnectOptions options, Redactor redactor, Exception ex)
        {
            var at = $"{node.Name} ({node.User}@{KnownHostsFile.HostName(node.Address, node.Port)})";
            var reason = redactor.Redact(ex.Message);
            switch (ex)
            {
                case HaPgRemoteException own:
                    return own;
                case SshAuthenticationException _:
                    return new HaPgRemoteException(RemoteErrorId.AuthenticationFailed, ErrorCategory.AuthenticationError, node,
                        $"{at}: authentication failed: {reason}", ex);
                case SshOperationTimeoutException _:
                case OperationCanceledException _:
                    return new HaPgRemoteException(RemoteErrorId.Timeout, ErrorCategory.OperationTimeout, node,
                        $"{at}: no SSH connection within {options.ConnectTimeout.TotalSeconds:0}s.", ex);
                case SocketException socket when socket.SocketErrorCode == SocketError.TimedOut:
                    return new HaPgRemoteException(RemoteErrorId.Timeout, ErrorCategory.OperationTimeout, node,
                        $"{at}: no SSH connection within {options.ConnectTimeout.TotalSeconds:0}s: {reason}", ex);
                default:
                    return new HaPgRemoteException(RemoteErrorId.Unreachable, ErrorCategory.ConnectionError, node,
                        $"{at} is unreachable: {reason}", ex);
            }
        }
    }
}
