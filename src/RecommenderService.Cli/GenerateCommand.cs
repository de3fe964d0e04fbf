using System.Diagnostics;
using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary><c>recsys generate</c>: a synthetic rating file with planted structure (see <see cref="SyntheticRatings"/>).</summary>
internal sealed class GenerateCommand : ICommand
{
    public string Name => "generate";
    public string Summary => "write a synthetic rating file (planted low-rank structure, Zipf popularity)";
    public string Usage => """
        Usage: recsys generate --users M --items N --ratings R --output FILE [--seed S] [--choice-affinity A]

        Writes R ratings (integers 1-5) of M users on N items as user TAB item TAB rating TAB timestamp,
        deterministic from the seed (default 42): rank-8 planted preferences plus user/item biases and
        noise, Zipf-like item popularity, log-normal user activity, no repeated (user, item) pair.
        A user rates at most half the items, so R <= M * N / 2.
        --choice-affinity A: how much taste steers which items a user rates (a popularity draw is kept
        with probability sigmoid(A * p_u.q_i)); default 8; 0 = choices follow popularity alone.
        """;
    public IReadOnlySet<string> ValueFlags { get; } = new HashSet<string> { "users", "items", "ratings", "output", "seed", "choice-affinity" };
    public IReadOnlySet<string> Switches { get; } = new HashSet<string>();

    public int Execute(CommandArguments args, TextWriter output)
    {
        var options = new SyntheticRatingsOptions
        {
            Users = args.Int("users", 1) ?? throw new UsageException("missing --users", Name),
            Items = args.Int("items", 2) ?? throw new UsageException("missing --items", Name),
            Ratings = args.Long("ratings", 1) ?? throw new UsageException("missing --ratings", Name),
            Seed = args.Int("seed") ?? 42,
            ChoiceAffinity = args.Double("choice-affinity", 0, 1000) ?? new SyntheticRatingsOptions().ChoiceAffinity,
        };
        var path = args.Required("output");
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, Name);
        }

        var clock = Stopwatch.StartNew();
        var ratings = SyntheticRatings.Generate(options);
        var generated = clock.Elapsed.TotalSeconds;
        RatingFileWriter.Write(ratings, path);
        output.WriteLine($"Wrote {ratings.Count} ratings of {ratings.UserCount} users on {ratings.ItemCount} items to {path} "
            + $"(generate {generated:F2} s, write {clock.Elapsed.TotalSeconds - generated:F2} s).");
        return RecsysCommandLine.Success;
    }
}
