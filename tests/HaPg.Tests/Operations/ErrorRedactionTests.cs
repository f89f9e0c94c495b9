using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using HaPg.Execution;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Tests.Inventory;
using Xunit;

namespace HaPg.Tests.Operations
{
    /// <summary>
    /// No secret in any part of an error a node's work writes: not in ErrorDetails, not in Exception.Message, not in the
    /// message of any inner exception ($Error[0].Exception.InnerException.Message).
    /// </summary>
    public sealed class ErrorRedactionTests
    {
        private const string SshPassword = "Ssh-pa55word";
        private const string SudoPassword = "Sud0-pa55word";
        private const string Superuser = "Sup3r-pa55word";

        private static HaPgInventory Inventory()
        {
            var inventory = InventoryValidatorTests.Valid();
            inventory.Credential = new PSCredential("root", SshPassword.ToSecureString());
            inventory.SudoPassword = SudoPassword.ToSecureString();
            inventory.Secrets.SuperuserPassword = Superuser.ToSecureString();
            return inventory;
        }

        private static IEnumerable<string> Messages(Exception? exception)
        {
            for (var e = exception; e is not null; e = e.InnerException)
            {
                yield return e.Message;
                yield return e.ToString();
            }
        }

        private static void AssertNoSecret(ErrorRecord record)
        {
            var texts = Messages(record.Exception).Append(record.ErrorDetails?.Message ?? string.Empty).ToList();
            foreach (var secret in new[] { SshPassword, SudoPassword, Superuser })
            {
                Assert.DoesNotContain(texts, t => t.Contains(secret, StringComparison.Ordinal));
            }
        }

        private static ErrorRecord RunFailing(Func<NodeContext, Task<object?>> work, Action<OperationHarness>? arrange = null)
        {
            using var harness = new OperationHarness(Inventory());
            arrange?.Invoke(harness);
            harness.Runner.Run(harness.Inventory, harness.Inventory.Nodes.Take(1).ToList(), 1, "Testing", work);
            return Assert.Single(harness.Sink.Errors);
        }

        [Fact]
        public void ACommandWhoseStderrEchoesThePasswordsFailsWithoutThem()
        {
            var record = RunFailing(async ctx => { await ctx.Host.RunAsync("login-check", ctx.CancellationToken); return null; },
                h => h.Hosts["node-1"].On("^login-check$", 1, stderr: $"bad password '{SshPassword}', sudo '{SudoPassword}', db '{Superuser}'\n"));

            Assert.StartsWith(RemoteErrorId.CommandFailed, record.FullyQualifiedErrorId);
            Assert.Contains("bad password '***', sudo '***', db '***'", record.Exception.Message);
            AssertNoSecret(record);
        }

        [Fact]
        public void AnEngineErrorHoldingASecretKeepsItsIdAndLosesTheSecretInItsInnerException()
        {
            var record = RunFailing(ctx => throw new HaPgValidationException("HaPg.Test.Refused", $"refused '{Superuser}'", ctx.Node));

            Assert.StartsWith("HaPg.Test.Refused", record.FullyQualifiedErrorId);
            Assert.Equal("node-1: refused '***'", record.Exception.Message);
            Assert.Equal("refused '***'", record.Exception.InnerException?.Message);
            Assert.IsType<HaPgValidationException>(record.Exception.InnerException);
            AssertNoSecret(record);
        }

        [Fact]
        public void AnyOtherExceptionHoldingASecretLosesItAtEveryDepth()
        {
            var record = RunFailing(_ => throw new InvalidOperationException($"outer {SudoPassword}", new FormatException($"inner {SshPassword}")));

            Assert.StartsWith(RemoteErrorId.NodeFailed, record.FullyQualifiedErrorId);
            Assert.Equal("node-1: outer ***", record.Exception.Message);
            Assert.Equal("outer ***", record.Exception.InnerException?.Message);
            Assert.Equal("inner ***", record.Exception.InnerException?.InnerException?.Message);
            AssertNoSecret(record);
        }

        [Fact]
        public void AnInnerExceptionWithoutASecretIsKeptAsItIs()
        {
            var inner = new FormatException("no secret here");
            var record = RunFailing(_ => throw inner);

            Assert.Same(inner, record.Exception.InnerException);
        }
    }
}
