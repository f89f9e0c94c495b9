using System;
using System.Linq;
using System.Text.RegularExpressions;
using HaPg.Inventory;
using HaPg.Remote;

namespace HaPg.Failover.Report
{
    /// <summary>
    /// Makes text fit for a report that leaves the machine: every secret of the inventory masked, and every node's
    /// address (as in the inventory) replaced by the node's name. Pure.
    /// </summary>
    public sealed class ReportScrubber
    {
        private readonly Redactor redactor;
        private readonly (Regex Address, string Name)[] addresses;

        public ReportScrubber(HaPgInventory? inventory)
        {
            redactor = inventory is null ? Redactor.None : Redactor.For(inventory);
            addresses = (inventory?.Nodes ?? Enumerable.Empty<HaPgNode>())
                .Where(n => !string.IsNullOrWhiteSpace(n.Address) && n.Address != n.Name)
                .OrderByDescending(n => n.Address.Length)
                .Select(n => (new Regex(@"(?<![\w.-])" + Regex.Escape(n.Address) + @"(?![\w-]|\.\w)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), n.Name))
                .ToArray();
        }

        public string Scrub(string? text)
        {
            var clean = redactor.Redact(text);
            foreach (var (address, name) in addresses)
            {
                clean = address.Replace(clean, name);
            }

            return clean;
        }
    }
}
