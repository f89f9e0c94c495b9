using System.Collections.Generic;
using HaPg.Inventory;

namespace HaPg.Tests.Components
{
    internal static class TestInventory
    {
        /// <summary>Three nodes running everything, plus optionally a dedicated HAProxy node.</summary>
        public static HaPgInventory ThreeNodes(bool dedicatedHaproxy = false, params string[] clientNetworks)
        {
            var all = HaPgRole.Postgres | HaPgRole.Etcd | HaPgRole.Haproxy;
            var inventory = new HaPgInventory
            {
                ClusterName = "demo",
                PostgresVersion = 15,
                Nodes = new List<HaPgNode>
                {
                    new HaPgNode { Name = "pg1", Address = "10.0.0.11", Roles = dedicatedHaproxy ? all & ~HaPgRole.Haproxy : all },
                    new HaPgNode { Name = "pg2", Address = "10.0.0.12", Roles = dedicatedHaproxy ? all & ~HaPgRole.Haproxy : all },
                    new HaPgNode { Name = "pg3", Address = "10.0.0.13", Roles = dedicatedHaproxy ? all & ~HaPgRole.Haproxy : all, Port = 2222 },
                },
                ClientNetworks = new List<string>(clientNetworks),
            };
            if (dedicatedHaproxy)
            {
                inventory.Nodes.Add(new HaPgNode { Name = "lb1", Address = "10.0.0.20", Roles = HaPgRole.Haproxy });
            }

            return inventory;
        }
    }
}
