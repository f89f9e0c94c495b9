namespace HaPg.Components.Cluster
{
    /// <summary>One check of Test-HaPgCluster: what, where, whether it passed, and why.</summary>
    public sealed class ClusterCheck
    {
        public ClusterCheck(string name, string node, bool passed, string detail, bool warning = false)
        {
            Warning = passed && warning;
            Name = name;
            Node = node;
            Passed = passed;
            Detail = detail;
        }

        public string Name { get; }
        public string Node { get; }
        public bool Passed { get; }
        public string Detail { get; }

        /// <summary>Passed, but needs attention soon (e.g. a certificate within 30 days of expiry).</summary>
        public bool Warning { get; }

        public override string ToString() => $"{(!Passed ? "FAIL" : Warning ? "WARN" : "PASS")} {Name} [{Node}] {Detail}";
    }
}
