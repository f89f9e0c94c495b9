using System.Linq;
using System.Management.Automation;

namespace HaPg.Inventory
{
    /// <summary>
    /// Roles for an inventory in which no node has any. The Default layout: 1 to 3 nodes, every role on every node;
    /// 4 nodes, Postgres and Etcd on the first three and Haproxy on the fourth; 5 nodes, the classic recipe, Postgres on the
    /// first three, Etcd on the fourth, Haproxy on the fifth. Other counts need explicit roles. The HighAvailability
    /// layout (5 nodes): Postgres and Etcd on the first three, Haproxy (behind the virtual IP) on the last two.
    /// </summary>
    public static class DefaultLayout
    {
        public const string Default = "Default";
        public const string HighAvailability = "HighAvailability";

        private const HaPgRole All = HaPgRole.Postgres | HaPgRole.Etcd | HaPgRole.Haproxy;
        private const HaPgRole Database = HaPgRole.Postgres | HaPgRole.Etcd;

        /// <summary>Assigns the default roles when no node has a role and the count has a default; returns whether it did.</summary>
        public static bool TryApply(HaPgInventory inventory)
        {
            var nodes = inventory.Nodes;
            var layout = nodes.Count switch
            {
                1 or 2 or 3 => Enumerable.Repeat(All, nodes.Count).ToArray(),
                4 => new[] { Database, Database, Database, HaPgRole.Haproxy },
                5 => new[] { HaPgRole.Postgres, HaPgRole.Postgres, HaPgRole.Postgres, HaPgRole.Etcd, HaPgRole.Haproxy },
                _ => null,
            };
            if (layout is null || nodes.Any(n => n.Roles != HaPgRole.None))
            {
                return false;
            }

            Assign(inventory, layout);
            return true;
        }

        /// <summary>
        /// Applies a named layout: <see cref="Default"/> as <see cref="TryApply"/> (returns null), or <see cref="HighAvailability"/>,
        /// which needs five nodes without roles and a virtual IP; returns the error that stops it, or null once applied.
        /// </summary>
        public static ValidationIssue? Apply(HaPgInventory inventory, string layout)
        {
            if (layout != HighAvailability)
            {
                TryApply(inventory);
                return null;
            }

            if (inventory.Nodes.Count != 5 || inventory.Nodes.Any(n => n.Roles != HaPgRole.None))
            {
                return new ValidationIssue(InventoryErrorIds.LayoutNotApplicable, IssueSeverity.Error,
                    $"The HighAvailability layout needs 5 nodes without roles (Postgres and Etcd on three, Haproxy on two); " +
                    $"inventory '{inventory.ClusterName}' has {inventory.Nodes.Count} node(s)" +
                    (inventory.Nodes.Any(n => n.Roles != HaPgRole.None) ? ", some with roles already" : string.Empty) + ".",
                    inventory.ClusterName, ErrorCategory.InvalidArgument, "nodes");
            }

            if (inventory.VirtualIP is null)
            {
                return new ValidationIssue(InventoryErrorIds.VirtualIPRequired, IssueSeverity.Error,
                    "The HighAvailability layout puts HAProxy on two nodes behind one virtual IP that clients connect to; give -VirtualIP, " +
                    "a free address of the nodes' network such as 10.0.0.50/24.", inventory.ClusterName, ErrorCategory.InvalidArgument, "virtualIP");
            }

            Assign(inventory, new[] { Database, Database, Database, HaPgRole.Haproxy, HaPgRole.Haproxy });
            return null;
        }

        private static void Assign(HaPgInventory inventory, HaPgRole[] layout)
        {
            for (var i = 0; i < inventory.Nodes.Count; i++)
            {
                inventory.Nodes[i].Roles = layout[i];
            }
        }
    }
}
