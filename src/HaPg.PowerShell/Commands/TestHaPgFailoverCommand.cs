using System;
using System.Linq;
using System.Management.Automation;
using HaPg.Failover;
using HaPg.Inventory;
using HaPg.Operations;
using HaPg.Results;

namespace HaPg.PowerShell.Commands
{
    /// <summary>Breaks the cluster on purpose, one scenario at a time, and measures how it recovers: downtime, lost writes, split brain.</summary>
    /// <remarks>
    /// <para>For each scenario, against a healthy cluster: a writer inserts unique ids at a steady rate through HAProxy's port 5000
    /// (Npgsql), a prober asks every member each second whether it is writable (pg_is_in_recovery) and what Patroni and HAProxy
    /// think; after at least 3 s and 20 acknowledged writes (none within 60 s: HaPg.Failover.NoBaseline, no fault) the fault is injected, recovery is awaited, the fault is removed, the restored node is awaited until it streams
    /// again, and the writes are read back.</para>
    /// <para>Scenarios: Switchover (planned); StopPatroni (systemctl stop patroni on the leader, the recipe's test); Crash (SIGKILL of
    /// Patroni and PostgreSQL on the leader, kept down like a dead node); Isolate (the leader cut off with nftables, whose removal is
    /// scheduled on the node before the cut); ReplicaCrash (no leader change and no failed write expected); EtcdMemberLoss (one etcd
    /// member of three stopped: nothing should happen); NodeHardStop and NodeFreeze (the leader's whole node, through -InjectFault
    /// and -HealFault, e.g. the lab's Stop-HaPgLabNode -Kill and Start-HaPgLabNode). With a virtual IP (New-HaPgInventory
    /// -VirtualIP) the writer goes through it, and two more scenarios fault the HAProxy node that holds it: HaproxyStop
    /// (systemctl stop haproxy) and HaproxyNodeLoss (the whole node, through -InjectFault and -HealFault). They pass when the
    /// address moves to another HAProxy node, writes come back and nothing is lost, with the leader unchanged. Every
    /// scenario watches, each second on every HAProxy node, that the address is never on two nodes at once.</para>
    /// <para>Each result gives the old and new leader, timelines, write downtime (last acknowledged write before the outage to the
    /// first after), time to a new leader and to HAProxy's switch, acknowledged, lost (acknowledged but missing) and unexpected
    /// writes, whether two primaries were ever writable at once, whether and when the restored node streamed again, Passed, and a
    /// timestamped list of events. Lost writes fail the test in synchronous mode and are reported in asynchronous mode.</para>
    /// <para>The cluster must be reachable from here: HAProxy's 5000 and every member's 5432 (the inventory's client networks).
    /// Whatever it stopped or cut is always restored, also on an error or Ctrl+C. It asks before acting (ConfirmImpact High), and
    /// drops its test table (hapg_failover_probe) at the end unless -KeepTable.</para>
    /// <para>With -ReportPath it also writes, after the last scenario, one self-contained HTML report of every scenario run
    /// (see Export-HaPgFailoverReport), and prints its path. The folder is checked before any fault.</para>
    /// </remarks>
    /// <example>
    /// <code>$inventory | Test-HaPgFailover -Scenario StopPatroni, Crash -Confirm:$false</code>
    /// <para>Runs the recipe's test and a crash of the leader, one line each.</para>
    /// </example>
    /// <example>
    /// <code>$inventory | Test-HaPgFailover -Scenario NodeHardStop -InjectFault { param($Node) Stop-HaPgLabNode -Name $Node -Kill } -HealFault { param($Node) Start-HaPgLabNode -Name $Node }</code>
    /// <para>Cuts the power of the leader's lab node and boots it again.</para>
    /// </example>
    /// <example>
    /// <code>$inventory | Test-HaPgFailover -Scenario Switchover, Crash -ReportPath ./failover.html -Confirm:$false</code>
    /// <para>Runs two scenarios and writes their timelines, figures and verdicts to failover.html, a page to open offline or attach to a change.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Test, "HaPgFailover", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(HaPgFailoverResult))]
    public sealed class TestHaPgFailoverCommand : NodeCmdlet
    {
        /// <summary>
        /// The scenarios to run, in order: Switchover, StopPatroni, Crash, Isolate, ReplicaCrash, EtcdMemberLoss, NodeHardStop,
        /// NodeFreeze, and with a virtual IP HaproxyStop and HaproxyNodeLoss.
        /// </summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateSet("Switchover", "StopPatroni", "Crash", "Isolate", "ReplicaCrash", "EtcdMemberLoss", "NodeHardStop", "NodeFreeze", "HaproxyStop", "HaproxyNodeLoss")]
        public string[] Scenario { get; set; } = Array.Empty<string>();

        /// <summary>Inserts per second through HAProxy while a scenario runs.</summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int WriteRate { get; set; } = 20;

        /// <summary>How long to wait for a new leader serving writes, and for the restored node to stream again, in seconds.</summary>
        [Parameter]
        [ValidateRange(10, 1800)]
        public int TimeoutSeconds { get; set; } = 120;

        /// <summary>How long faults that should change nothing (ReplicaCrash, EtcdMemberLoss) are held, in seconds.</summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int FaultHoldSeconds { get; set; } = 10;

        /// <summary>For NodeHardStop, NodeFreeze and HaproxyNodeLoss: a script block that takes the node's name and stops or freezes it.</summary>
        [Parameter]
        public ScriptBlock? InjectFault { get; set; }

        /// <summary>For NodeHardStop, NodeFreeze and HaproxyNodeLoss: a script block that takes the node's name and brings it back.</summary>
        [Parameter]
        public ScriptBlock? HealFault { get; set; }

        /// <summary>Keeps the test table hapg_failover_probe and its rows instead of dropping it at the end.</summary>
        [Parameter]
        public SwitchParameter KeepTable { get; set; }

        /// <summary>
        /// An HTML file for the report of every scenario run (replaced if it exists): a timeline chart, the figures and the
        /// cluster before and after, per scenario, with no secret and no address.
        /// </summary>
        [Parameter]
        public string? ReportPath { get; set; }

        private FailoverRun? run;
        private string? reportFile;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (ReportPath is not null)
            {
                var (full, error) = ReportTarget.Resolve(this, ReportPath, noClobber: false);
                if (error is not null) ThrowTerminatingError(error);
                reportFile = full;
            }
        }

        protected override void EndProcessing()
        {
            base.EndProcessing();
            if (reportFile is null || run is null)
            {
                return;
            }

            if (run.SaveReport(reportFile, DateTimeOffset.Now) is not string shown)
            {
                WriteVerbose($"No scenario ran, so no failover report is written to '{reportFile}'.");
                return;
            }

            WriteInformation(new HostInformationMessage { Message = shown }, new[] { "PSHOST", "HaPg.Report" });
        }

        protected override void Process(HaPgInventory inventory)
        {
            run ??= new FailoverRun(new FailoverOptions
            {
                WriteRate = WriteRate,
                RecoveryTimeout = TimeSpan.FromSeconds(TimeoutSeconds),
                RejoinTimeout = TimeSpan.FromSeconds(TimeoutSeconds),
                FaultHold = TimeSpan.FromSeconds(FaultHoldSeconds),
                InjectNodeFault = InjectFault is null ? null : node => InjectFault.Invoke(node),
                HealNodeFault = HealFault is null ? null : node => HealFault.Invoke(node),
            }, Scenario.Select(name => (HaPgFailoverScenario)Enum.Parse(typeof(HaPgFailoverScenario), name, ignoreCase: true)), KeepTable);
            run.Run(Operation(inventory), SelectNodes(inventory, HaPgRole.Postgres));
        }
    }
}
