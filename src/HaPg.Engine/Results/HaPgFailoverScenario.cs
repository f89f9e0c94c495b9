namespace HaPg.Results
{
    /// <summary>The faults Test-HaPgFailover can inject.</summary>
    public enum HaPgFailoverScenario
    {
        /// <summary>Planned switchover through Patroni's REST API.</summary>
        Switchover,

        /// <summary>systemctl stop patroni on the leader (the recipe's own test).</summary>
        StopPatroni,

        /// <summary>SIGKILL of Patroni and PostgreSQL on the leader at once, kept down as if the node died.</summary>
        Crash,

        /// <summary>The leader cut off the network with nftables; the heal is scheduled on the node before the cut.</summary>
        Isolate,

        /// <summary>A replica crashed: no leader change, no write outage expected.</summary>
        ReplicaCrash,

        /// <summary>One etcd member of three stopped: nothing should happen.</summary>
        EtcdMemberLoss,

        /// <summary>The leader's whole node stopped hard (power loss), through -InjectFault / -HealFault.</summary>
        NodeHardStop,

        /// <summary>The leader's whole node frozen, through -InjectFault / -HealFault.</summary>
        NodeFreeze,

        /// <summary>systemctl stop haproxy on the HAProxy node that holds the virtual IP: keepalived must move the address.</summary>
        HaproxyStop,

        /// <summary>The HAProxy node that holds the virtual IP stopped hard, through -InjectFault / -HealFault.</summary>
        HaproxyNodeLoss,
    }
}
