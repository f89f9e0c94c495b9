using System;

namespace HaPg.Inventory
{
    /// <summary>What a node runs. A node may hold several roles.</summary>
    [Flags]
    public enum HaPgRole
    {
        None = 0,
        Postgres = 1,
        Etcd = 2,
        Haproxy = 4,
    }
}
