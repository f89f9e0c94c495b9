namespace HaPg.Steps
{
    public sealed class StepOutcome
    {
        private StepOutcome(string step, bool changed, string? message)
        {
            Step = step;
            Changed = changed;
            Message = message;
        }

        public string Step { get; }
        public bool Changed { get; }
        public string? Message { get; }

        public static StepOutcome Unchanged(string step, string? message = null) => new StepOutcome(step, false, message);

        public static StepOutcome ChangedBy(string step, string? message = null) => new StepOutcome(step, true, message);

        public override string ToString() => Changed ? $"{Step}: changed{(Message is null ? "" : " (" + Message + ")")}" : $"{Step}: ok";
    }
}
