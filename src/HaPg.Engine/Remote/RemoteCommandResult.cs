using System;

namespace HaPg.Remote
{
    public sealed class RemoteCommandResult
    {
        /// <summary>Null when the command died from a signal.</summary>
        public int? ExitCode { get; set; }
        public string Stdout { get; set; } = string.Empty;
        /// <summary>Over SSH, with the session's and the command's secrets already masked: it only ever feeds messages.</summary>
        public string Stderr { get; set; } = string.Empty;
        public TimeSpan Duration { get; set; }
        public bool Succeeded => ExitCode == 0;
    }
}
