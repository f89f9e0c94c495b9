using System;
using System.Collections.Generic;
using HaPg.Inventory;

namespace HaPg.Results
{
    /// <summary>The shape every HaPg result shares: which node, which step, what changed, how it went.</summary>
    public abstract class HaPgResult
    {
        public string Node { get; set; } = string.Empty;
        public string Role { get; set; } = string.Empty;
        public string Step { get; set; } = string.Empty;
        public bool Changed { get; set; }
        public HaPgStatus Status { get; set; } = HaPgStatus.Succeeded;
        public TimeSpan Duration { get; set; }
        public List<string> Messages { get; set; } = new List<string>();

        /// <summary>Carried on so the next cmdlet in a pipeline binds to it by property name.</summary>
        public HaPgInventory? Inventory { get; set; }
    }
}
