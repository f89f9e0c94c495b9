using System;
using System.Collections.Generic;
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
            // First, before a path is resolved or a layout applied: those would act on the raw value.
            ThrowOnErrors(cmdlet, InventoryValidator.CheckControlCharacters(inventory), source);
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
            foreach (var warning in issues.Where(i => i.Severity == IssueSeverity.Warning))
            {
                cmdlet.WriteWarning(Text(warning, source));
            }

            ThrowOnErrors(cmdlet, issues, source);
        }

        /// <summary>
        /// The validator's errors as one terminating error: the first one's id, category and target, its message listing the
        /// others. Nothing when there are none. Node cmdlets run it again on the inventory they are given (it may have changed).
        /// </summary>
        public static void ThrowOnErrors(Cmdlet cmdlet, IReadOnlyList<ValidationIssue> issues, YamlSourceMap? source = null)
        {
            if (ErrorOf(issues, source) is HaPgInventoryException error)
            {
                cmdlet.ThrowTerminatingError(error.ToErrorRecord());
            }
        }

        /// <summary>The validator's errors as one exception (see <see cref="ThrowOnErrors"/>), or null when there are none.</summary>
        public static HaPgInventoryException? ErrorOf(IReadOnlyList<ValidationIssue> issues, YamlSourceMap? source = null)
        {
            var errors = issues.Where(i => i.Severity == IssueSeverity.Error).ToList();
            if (errors.Count == 0)
            {
                return null;
            }

            var message = Text(errors[0], source);
            if (errors.Count > 1)
            {
                message += $" Also {errors.Count - 1} more problem(s): " + string.Join(" | ", errors.Skip(1).Select(e => $"[{e.Id}] {Text(e, source)}"));
            }

            return new HaPgInventoryException(errors[0].Id, message, errors[0].Category, errors[0].Target);
        }

        private static string Text(ValidationIssue issue, YamlSourceMap? source) =>
            source is not null && issue.Key is not null ? $"{issue.Message} ({source.Locate(issue.Key)})" : issue.Message;
    }
}
