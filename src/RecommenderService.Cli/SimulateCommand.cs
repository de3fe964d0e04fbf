using System.Diagnostics;
using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary><c>recsys simulate</c>: new-item exposure at several shares in a generated world (<see cref="ExplorationSimulation"/>).</summary>
internal sealed class SimulateCommand : ICommand
{
    public string Name => "simulate";
    public string Summary => "measure new-item exploration shares in a generated world (days to 5 ratings, liked P@10)";
    public string Usage => $"""
        Usage: recsys simulate [--shares S,S,...] [--days N] [--users M] [--new-items-per-day N] [--seed S] [--json]

        A generated world with planted tastes (items' genres, their only attributes, carry most of their taste
        vector), {new ExplorationSimulationOptions().InitialItems} items to start with and new items (genres, no ratings) every day. Each day the
        service's recipe retrains on the ratings so far (both heads, the item attribute map, unrated items appended
        from their genres) and a random {new ExplorationSimulationOptions().VisitProbability:P0} of the users are shown a top-10 list, with the share S of
        positions 4 and later given to new items (<= 5 ratings, <= 30 days old) by the user's predicted affinity.
        Users look at position p with probability 0.9^p and rate what they look at with a probability rising
        steeply with their planted rating; they rate nothing else.
        Per share: days until a new item has 5 ratings (items followed 14 days; not reached = 15), the share that
        got there, and liked P@10: the share of shown items whose planted rating is >= 4.
        Defaults: --shares 0,0.05,0.1,0.2, --days 30, --users 600, --new-items-per-day 10, --seed 42.
        """;
    public IReadOnlySet<string> ValueFlags { get; } = new HashSet<string> { "shares", "days", "users", "new-items-per-day", "seed" };
    public IReadOnlySet<string> Switches { get; } = new HashSet<string> { "json" };

    public int Execute(CommandArguments args, TextWriter output)
    {
        var defaults = new ExplorationSimulationOptions();
        var options = defaults with
        {
            Days = args.Int("days", defaults.FollowDays + 1, 365) ?? defaults.Days,
            Users = args.Int("users", 10, 100_000) ?? defaults.Users,
            NewItemsPerDay = args.Int("new-items-per-day", 1, 10_000) ?? defaults.NewItemsPerDay,
            Seed = args.Int("seed") ?? defaults.Seed,
        };
        var shares = args.DoubleList("shares", 0, 0.99) ?? [0, 0.05, 0.1, 0.2];
        var json = args.Switch("json");
        var clock = Stopwatch.StartNew();
        var results = ExplorationSimulation.Run(options, shares, json ? null : line => output.WriteLine($"  {line} ({clock.Elapsed.TotalSeconds:F0} s)"));
        if (json)
        {
            output.WriteLine(System.Text.Json.JsonSerializer.Serialize(results, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return RecsysCommandLine.Success;
        }
        var off = results.FirstOrDefault(r => r.Share == 0);
        output.WriteLine();
        output.WriteLine($"exploration simulation: {options.Users} users, {options.InitialItems} items + {options.NewItemsPerDay}/day for {options.Days} days, seed {options.Seed}");
        output.WriteLine("share  followed  mean days to 5  median  reached  liked P@10  vs off   slots  new shown  ratings");
        foreach (var r in results)
        {
            var cost = off is null || off.LikedPrecision == 0 ? "" : $"{(r.LikedPrecision / off.LikedPrecision - 1) * 100,6:+0.0;-0.0}%";
            output.WriteLine($"{r.Share,5:G3}  {r.FollowedItems,8}  {r.MeanDaysToTarget,14:F2}  {r.MedianDaysToTarget,6:F0}  {r.ReachedShare,7:P0}  "
                + $"{r.LikedPrecision,10:F4}  {cost,7}  {r.ExplorationSlotShare,5:P1}  {r.NewItemShare,9:P1}  {r.Ratings,7}");
        }
        return RecsysCommandLine.Success;
    }
}
