using System;
using System.Collections.Generic;
using System.Linq;
using HaPg.Results;

namespace HaPg.Failover.Scenarios
{
    /// <summary>The catalogue: every <see cref="HaPgFailoverScenario"/> and its descriptor.</summary>
    public static class FailoverScenarios
    {
        private static readonly Dictionary<HaPgFailoverScenario, FailoverScenarioDescriptor> ByScenario = new FailoverScenarioDescriptor[]
        {
            new SwitchoverScenario(),
            new StopPatroniScenario(),
            new CrashScenario(),
            new IsolateScenario(),
            new ReplicaCrashScenario(),
            new EtcdMemberLossScenario(),
            new NodeHardStopScenario(),
            new NodeFreezeScenario(),
            new HaproxyStopScenario(),
            new HaproxyNodeLossScenario(),
        }.ToDictionary(d => d.Scenario);

        /// <summary>Every descriptor, in the enum's order.</summary>
        public static IReadOnlyList<FailoverScenarioDescriptor> All { get; } = ByScenario.Values.OrderBy(d => d.Scenario).ToList();

        public static FailoverScenarioDescriptor For(HaPgFailoverScenario scenario) =>
            ByScenario.TryGetValue(scenario, out var descriptor)
                ? descriptor
                : throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "No descriptor for this failover scenario.");
    }
}
