namespace HaPg.Components.Cluster
{
    /// <summary>One check of Test-HaPgCluster: what, where, whether it passed, and why.</summary>
    public sealed class ClusterCheck
    {
        public ClusterCheck(string name, string node, bool passed, string detail)
        {
            Name = name;
            Node = node;
            Passed = passed;
            Detail = detail;
        }

        public string Name { get; }
        public string Node { get; }
        public bool Passed { get; }
        public string Detail { get; }

        public override string ToString() => $"{(Passed ? "PASS" : "FAIL")} {Name} [{Node}] {Detail}";
    }
}
