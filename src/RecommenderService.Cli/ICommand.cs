namespace RecommenderService.Cli;

/// <summary>One <c>recsys</c> sub-command: its flags, its help text and what it does.</summary>
internal interface ICommand
{
    string Name { get; }

    /// <summary>One line for the command list.</summary>
    string Summary { get; }

    /// <summary>Full usage, printed by <c>recsys help NAME</c> and <c>recsys NAME --help</c>.</summary>
    string Usage { get; }

    IReadOnlySet<string> ValueFlags { get; }

    IReadOnlySet<string> Switches { get; }

    /// <summary>Runs the command; returns the exit code.</summary>
    int Execute(CommandArguments args, TextWriter output);
}
