namespace HaPg.Failover
{
    /// <summary>The faults Test-HaPgFailover can inject.</summary>
    public enum HaPgFailoverScenario
    {
        Switchover,
        StopPatroni,
        Crash,
        Isolate,
        ReplicaCrash,
        EtcdMemberLoss,
    }
}
