using System.Diagnostics;
using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary><c>recsys read</c>: parses a rating file and reports its size and the parse time (a benchmark aid).</summary>
internal sealed class ReadCommand : ICommand
{
    public string Name => "read";
    public string Summary => "parse a rating file and print counts and parse time";
    public string Usage => """
        Usage: recsys read --ratings FILE

        Parses FILE as the other commands do and prints ratings, users, items, mean and seconds.
        """;
    public IReadOnlySet<string> ValueFlags { get; } = new HashSet<string> { "ratings" };
    public IReadOnlySet<string> Switches { get; } = new HashSet<string>();

    public int Execute(CommandArguments args, TextWriter output)
    {
        var path = args.Required("ratings");
        var clock = Stopwatch.StartNew();
        var ratings = RatingFileReader.Read(path);
        var seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"{path}: {ratings.Count} ratings, {ratings.UserCount} users, {ratings.ItemCount} items, "
            + $"mean {ratings.Mean():F4}; read in {seconds:F3} s");
        return RecsysCommandLine.Success;
    }
}
