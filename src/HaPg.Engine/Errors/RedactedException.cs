using System;

namespace HaPg
{
    /// <summary>
    /// Stands in for an exception whose message held a secret: the same message with the secrets masked, the original's type
    /// name, and its inner exceptions redacted the same way (see <see cref="HaPgException.Redacted"/>).
    /// </summary>
    public sealed class RedactedException : Exception
    {
        public RedactedException(string originalType, string message, Exception? innerException)
            : base(message, innerException) => OriginalType = originalType;

        /// <summary>The full name of the exception type this one replaces.</summary>
        public string OriginalType { get; }

        /// <summary>
        /// <paramref name="exception"/> itself when no message in its chain changes under <paramref name="redact"/>; else a copy
        /// whose every message is redacted (an HaPgException keeps its type and id, any other becomes a RedactedException).
        /// </summary>
        public static Exception? Redact(Exception? exception, Func<string, string> redact)
        {
            if (exception is null)
            {
                return null;
            }

            if (exception is HaPgException own)
            {
                return own.Redacted(redact);
            }

            var inner = Redact(exception.InnerException, redact);
            var message = redact(exception.Message);
            return message == exception.Message && ReferenceEquals(inner, exception.InnerException)
                ? exception
                : new RedactedException(exception.GetType().FullName ?? exception.GetType().Name, message, inner);
        }

        public override string ToString() => $"{OriginalType} (redacted): {base.ToString()}";
    }
}
