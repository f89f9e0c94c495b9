namespace HaPg.Inventory
{
    /// <summary>How a node's SSH user gains root.</summary>
    public enum SudoMode
    {
        /// <summary>The SSH user is root; no sudo.</summary>
        None,

        /// <summary>sudo -n works without a password.</summary>
        Passwordless,

        /// <summary>sudo -S reads the password from stdin.</summary>
        Password,
    }
}
