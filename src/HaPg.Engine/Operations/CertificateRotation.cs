using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HaPg.Components.Etcd;
using HaPg.Components.Haproxy;
using HaPg.Components.Patroni;
using HaPg.Components.Tls;
using HaPg.Execution;
using HaPg.Failover;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Results;
using HaPg.Steps;

namespace HaPg.Operations
{
    /// <summary>
    /// Update-HaPgCertificate: issues every certificate of the nodes anew, one node at a time, while a writer writes through
    /// HAProxy. Each service takes its new certificate without a restart: Patroni and PostgreSQL on a reload (SIGHUP), HAProxy on
    /// a reload, etcd on its next connection (it reads its certificate files at each handshake). Each node is awaited healthy
    /// before the next one starts.
    /// </summary>
    public sealed class CertificateRotation
    {
        public const string Activity = "Rotating certificates";

        private readonly OperationContext operation;
        private readonly TimeSpan timeout;
        private readonly bool measureWrites;

        public CertificateRotation(OperationContext operation, TimeSpan timeout, bool measureWrites)
        {
            this.operation = operation;
            this.timeout = timeout;
            this.measureWrites = measureWrites;
        }

        /// <summary>Each node's plan: its certificates issued anew, then the reloads that make its services use them.</summary>
        public static NodePlan Plan(HaPgInventory inventory, HaPgNode node, ClusterCa? ca)
        {
            var steps = new List<NodeStep>();
            var postgres = node.HasRole(HaPgRole.Postgres) ? new CertificateStep(ca, inventory, node, TlsIdentity.Postgres, renew: true) : null;
            var haproxy = node.HasRole(HaPgRole.Haproxy) ? new CertificateStep(ca, inventory, node, TlsIdentity.Haproxy, renew: true) : null;
            if (node.HasRole(HaPgRole.Etcd))
            {
                steps.Add(new CertificateStep(ca, inventory, node, TlsIdentity.Etcd, renew: true));
            }

            if (postgres is not null)
            {
                steps.Add(postgres);
                steps.Add(new ServiceStep(PatroniService.UnitName, restartWhenChanged: new[] { postgres.Name }, reloadInsteadOfRestart: true));
            }

            if (haproxy is not null)
            {
                steps.Add(haproxy);
                steps.Add(new ServiceStep("haproxy", restartWhenChanged: new[] { haproxy.Name }, reloadInsteadOfRestart: true));
            }

            return new NodePlan(node, steps);
        }

        public IReadOnlyList<HaPgResult> Run(IReadOnlyList<HaPgNode> nodes)
        {
            var inventory = operation.Inventory;
            if (!operation.IsWhatIf)
            {
                operation.AdoptDeployedSecrets(DeployedSecretFile.Application);
            }

            var ca = operation.ClusterCa();
            if (ca is { HasKey: false })
            {
                throw new HaPgValidationException(TlsErrorIds.CaKeyMissing,
                    "Rotating certificates needs the cluster CA's key, which this session does not hold: import the inventory with its secrets file (Import-HaPgInventory -SecretsPath).",
                    inventory, System.Management.Automation.ErrorCategory.SecurityError);
            }

            var approved = operation.Approve(nodes.Select(n => Plan(inventory, n, ca)).ToList(), Activity);
            foreach (var skipped in nodes.Where(n => approved.All(p => p.Node != n)))
            {
                var whatIf = new HaPgCertificateResult { Status = HaPgStatus.WhatIf };
                operation.Stamp(whatIf, skipped, HaPgRole.None, TimeSpan.Zero);
                whatIf.Messages.AddRange(Plan(inventory, skipped, ca).Describe());
                operation.Sink.WriteObject(whatIf);
            }

            if (approved.Count == 0)
            {
                return Array.Empty<HaPgResult>();
            }

            var clock = new FailoverClock();
            var writer = measureWrites && inventory.NodesWithRole(HaPgRole.Haproxy).Any()
                ? new WriteWorkload(PostgresTarget.ClusterWrites(inventory), "cert-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture), clock)
                : null;
            using var stop = new CancellationTokenSource();
            Task? writing = null;
            if (writer is not null)
            {
                writer.CreateTableAsync(CancellationToken.None).GetAwaiter().GetResult();
                writing = writer.RunAsync(stop.Token);
                Thread.Sleep(TimeSpan.FromSeconds(2)); // a baseline before the first node
            }

            var results = new List<(HaPgCertificateResult Result, DateTimeOffset From, DateTimeOffset To)>();
            try
            {
                foreach (var plan in approved)
                {
                    var from = clock.Now;
                    var done = operation.Run(new[] { plan.Node }, Activity, context => RotateAsync(context, plan), writeResults: false);
                    results.AddRange(done.Select(r => (r, from, clock.Now)));
                    if (done.Count == 0)
                    {
                        break; // the node's error is written; the others keep their certificates
                    }
                }

                Thread.Sleep(writer is null ? TimeSpan.Zero : TimeSpan.FromSeconds(2));
            }
            finally
            {
                stop.Cancel();
                writing?.GetAwaiter().GetResult();
            }

            if (writer is not null)
            {
                var readBack = writer.ReadBackAsync(CancellationToken.None).GetAwaiter().GetResult();
                var report = FailoverAnalysis.Analyze(writer.Attempts, readBack, null);
                foreach (var (result, from, to) in results)
                {
                    result.LongestWriteGap = LongestGap(writer.Attempts, from, to);
                    result.LostWrites = report.LostWrites;
                }

                writer.DropTableAsync(CancellationToken.None).GetAwaiter().GetResult();
            }

            foreach (var (result, _, _) in results)
            {
                operation.Sink.WriteObject(result);
            }

            return results.Select(r => (HaPgResult)r.Result).ToList();
        }

        private async Task<HaPgCertificateResult> RotateAsync(NodeContext context, NodePlan plan)
        {
            var watch = Stopwatch.StartNew();
            var inventory = operation.Inventory;
            var outcomes = await plan.RunAsync(new StepContext(context.Host, context.CancellationToken, context.WriteVerbose), context.SetStatus).ConfigureAwait(false);
            var result = new HaPgCertificateResult { Changed = outcomes.Any(o => o.Changed) };
            result.Messages.AddRange(outcomes.Where(o => o.Changed).Select(o => o.ToString()));
            foreach (var step in plan.Steps.OfType<CertificateStep>())
            {
                var pem = await context.Host.ReadFileAsync(step.Identity.CertificatePath, context.CancellationToken).ConfigureAwait(false);
                var info = pem is null ? null : CertificateInfo.Parse(pem);
                result.Certificates.Add(step.Identity.CertificatePath + " until " + info?.NotAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                if (info is not null && (result.NotAfter is null || info.NotAfter < result.NotAfter))
                {
                    result.NotAfter = info.NotAfter;
                }
            }

            var node = context.Node;
            if (node.HasRole(HaPgRole.Etcd))
            {
                context.SetStatus("waiting until etcd is healthy");
                await EtcdSteps.WaitHealthyAsync(inventory, context.Host, timeout, context.CancellationToken).ConfigureAwait(false);
            }

            if (node.HasRole(HaPgRole.Postgres))
            {
                context.SetStatus("waiting until Patroni answers over its new certificate");
                await PatroniApi.WaitAsync(context.Host, inventory, m => m.Any(x => x.Name == node.Name && (x.State == "running" || x.State == "streaming")),
                    "member running", timeout, context.CancellationToken).ConfigureAwait(false);
            }

            if (node.HasRole(HaPgRole.Haproxy))
            {
                context.SetStatus("waiting for health checks");
                await HaproxySteps.WaitForSettledChecksAsync(context.Host, timeout, context.CancellationToken).ConfigureAwait(false);
            }

            operation.Stamp(result, node, HaPgRole.None, watch.Elapsed);
            return result;
        }

        /// <summary>The longest stretch between acknowledged writes (or the writer's start, or its last attempt) that overlaps [from, to].</summary>
        public static TimeSpan? LongestGap(IReadOnlyCollection<WriteAttempt> attempts, DateTimeOffset from, DateTimeOffset to)
        {
            if (attempts.Count == 0)
            {
                return null;
            }

            var marks = new List<DateTimeOffset> { attempts.Min(a => a.Start) };
            marks.AddRange(attempts.Where(a => a.Outcome == WriteOutcome.Acknowledged).Select(a => a.End).OrderBy(t => t));
            marks.Add(attempts.Max(a => a.End)); // the writer's last attempt: a stall it never came out of still counts
            var longest = TimeSpan.Zero;
            for (var i = 1; i < marks.Count; i++)
            {
                if (marks[i] >= from && marks[i - 1] <= to && marks[i] - marks[i - 1] > longest)
                {
                    longest = marks[i] - marks[i - 1];
                }
            }

            return longest;
        }
    }
}
