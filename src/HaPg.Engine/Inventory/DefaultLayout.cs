using System.Linq;

namespace HaPg.Inventory
{
    /// <summary>
    /// Roles for an inventory in which no node has any. 1 to 3 nodes: every role on every node.
    /// 4 nodes: Postgres and Etcd on the first three, Haproxy on the fourth. 5 nodes: the classic recipe,
    /// Postgres on the first three, Etcd on the fourth, Haproxy on the fifth. Other counts need explicit roles.
    /// </summary>
    public static class DefaultLayout
    {
        private const HaPgRole All = HaPgRole.Postgres | HaPgRole.Etcd | HaPgRole.Haproxy;

        /// <summary>Assigns the default roles when no node has a role and the count has a default; returns whether it did.</summary>
        public static bool TryApply(HaPgInventory inventory)
        {
            var nodes = inventory.Nodes;
            var layout = nodes.Count switch
            {
                1 or 2 or 3 => Enumerable.Repeat(All, nodes.Count).ToArray(),
                4 => new[] { HaPgRole.Postgres | HaPgRole.Etcd, HaPgRole.Postgres | HaPgRole.Etcd, HaPgRole.Postgres | HaPgRole.Etcd, HaPgRole.Haproxy },
                5 => new[] { HaPgRole.Postgres, HaPgRole.Postgres, HaPgRole.Postgres, HaPgRole.Etcd, HaPgRole.Haproxy },
                _ => null,
            };
            if (layout is null || nodes.Any(n => n.Roles != HaPgRole.None))
            {
                return false;
            }

            for (var i = 0; i < nodes.Count; i++)
            {
                nodes[i].Roles = layout[i];
            }

            return true;
        }
    }
}
