using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using HaPg.Inventory;

namespace HaPg.Execution
{
    /// <summary>Completes -Node with the node names of the inventory bound to -Inventory (e.g. a $variable).</summary>
    public sealed class NodeNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var bound = fakeBoundParameters.Contains("Inventory") ? fakeBoundParameters["Inventory"] : null;
            var inventory = (bound is PSObject wrapped ? wrapped.BaseObject : bound) as HaPgInventory;
            var prefix = wordToComplete.Trim('\'', '"');
            return (inventory?.Nodes ?? new List<HaPgNode>())
                .Where(n => n.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(n => new CompletionResult(n.Name, n.Name, CompletionResultType.ParameterValue, $"{n.Name} ({n.Address}, {n.Roles})"));
        }
    }
}
