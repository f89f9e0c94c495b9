namespace HaPg.Results
{
    public enum HaPgStatus
    {
        Succeeded,
        Failed,
        Skipped,
        WhatIf,
    }
}
