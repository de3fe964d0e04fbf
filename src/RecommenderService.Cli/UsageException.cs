namespace RecommenderService.Cli;

/// <summary>A bad command line: unknown command or flag, missing or malformed value. Exit code 2.</summary>
internal sealed class UsageException(string message, string? command = null) : Exception(message)
{
    /// <summary>The command whose usage to point at, if known.</summary>
    public string? Command { get; } = command;
}
