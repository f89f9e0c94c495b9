using System;
using System.IO;
using System.Linq;
using System.Management.Automation;

namespace HaPg.Inventory
{
    /// <summary>
    /// What New-HaPgInventory and Import-HaPgInventory do to an inventory before handing it on: resolve its
    /// paths, apply the default layout, validate. Warnings go to the warning stream; the first error terminates
    /// the cmdlet (its message lists the others), before any host is touched.
    /// </summary>
    public static class InventoryPreflight
    {
        public static void Run(PSCmdlet cmdlet, HaPgInventory inventory, Func<string, string> resolvePath, YamlSourceMap? source,
            string layout = DefaultLayout.Default)
        {
            foreach (var node in inventory.Nodes.Where(n => !string.IsNullOrEmpty(n.KeyPath)))
            {
                node.KeyPath = resolvePath(node.KeyPath!);
            }

            if (!string.IsNullOrEmpty(inventory.KnownHostsPath))
            {
                inventory.KnownHostsPath = resolvePath(inventory.KnownHostsPath!);
            }

            var roleless = inventory.Nodes.All(n => n.Roles == HaPgRole.None);
            if (DefaultLayout.Apply(inventory, layout) is ValidationIssue refused)
            {
                cmdlet.ThrowTerminatingError(new HaPgInventoryException(refused.Id, refused.Message, refused.Category, refused.Target).ToErrorRecord());
            }

            if (roleless && inventory.Nodes.Any(n => n.Roles != HaPgRole.None))
            {
                foreach (var node in inventory.Nodes)
                {
                    cmdlet.WriteVerbose($"{node.Name}: no roles given; the {layout} layout for {inventory.Nodes.Count} nodes assigns {node.Roles}.");
                }
            }

            var issues = InventoryValidator.Validate(inventory, File.Exists);
            string Text(ValidationIssue issue) =>
                source is not null && issue.Key is not null ? $"{issue.Message} ({source.Locate(issue.Key)})" : issue.Message;

            foreach (var warning in issues.Where(i => i.Severity == IssueSeverity.Warning))
            {
                cmdlet.WriteWarning(Text(warning));
            }

            var errors = issues.Where(i => i.Severity == IssueSeverity.Error).ToList();
            if (errors.Count > 0)
            {
                var message = Text(errors[0]);
                if (errors.Count > 1)
                {
                    message += $" Also {errors.Count - 1} more problem(s): " + string.Join(" | ", errors.Skip(1).Select(e => $"[{e.Id}] {Text(e)}"));
                }

                cmdlet.ThrowTerminatingError(new HaPgInventoryException(errors[0].Id, message, errors[0].Category, errors[0].Target).ToErrorRecord());
            }
        }
    }
}
