namespace HaPg.Components.Firewall
{
    /// <summary>The firewall's error ids; each error names its node.</summary>
    public static class FirewallErrorId
    {
        /// <summary>ufw admits incoming traffic by default, so allow rules restrict nothing; -SetDefaultDeny changes it.</summary>
        public const string UfwDefaultAllow = "HaPg.Firewall.UfwDefaultAllow";

        /// <summary>No existing ufw rule admits the node's SSH port; HaPg does not open it to the world.</summary>
        public const string UfwSshNotAllowed = "HaPg.Firewall.UfwSshNotAllowed";

        /// <summary>The safety timer fired (the table was removed, or ufw's default put back) before the login proof disarmed it.</summary>
        public const string SafetyTimerFired = "HaPg.Firewall.SafetyTimerFired";
    }
}
