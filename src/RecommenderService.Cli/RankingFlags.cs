using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary>The ranking-head flags shared by train and evaluate, applied over <see cref="RankingOptions"/>' defaults.</summary>
internal static class RankingFlags
{
    public static readonly string[] Names = ["ranking-factors", "ranking-iterations", "ranking-warm-iterations", "ranking-alpha", "ranking-regularization", "ranking-regularization-per-rating", "ranking-cg-steps", "ranking-weighting", "ranking-negatives", "ranking-negative-alpha", "ranking-search", "ranking-exact-rows"];

    public static readonly string Help = $"""
          --ranking-factors K       ranking head's factor dimension (default {new RankingOptions().Factors})
          --ranking-iterations N    implicit-ALS iterations (default {new RankingOptions().Iterations})
          --ranking-warm-iterations N  iterations when continuing from the penalty search's chosen head, 0 = train
                                    from scratch instead (default: 0; 2 from 1M ratings on)
          --ranking-alpha A         confidence of a rated item is 1 + A*w(r) (default {new RankingOptions().Alpha})
          --ranking-regularization L  fixed L2 penalty per ranking vector (default: scaled, see next)
          --ranking-regularization-per-rating C  penalty = C x mean ratings per item (default {new RankingOptions().RegularizationPerItemRating})
          --ranking-cg-steps S      conjugate-gradient steps per row, 0 = exact Cholesky (default {new RankingOptions().ConjugateGradientSteps})
          --ranking-weighting W     binary (w = 1), rating (w = r) or squared (w = r^2) (default {WeightingName(new RankingOptions().Weighting)})
          --ranking-negatives T|off a rating <= T on a 1-5 scale (scaled to --scale) is an explicit negative
                                    (preference 0) instead of a chosen item; off = none (default {(new RankingOptions().NegativeThreshold is { } t ? t.ToString(System.Globalization.CultureInfo.InvariantCulture) : "off")})
          --ranking-negative-alpha A  confidence of an explicit negative is 1 + A (default {new RankingOptions().NegativeAlpha})
          --ranking-search on|off   choose the penalty's multiplier (x2 steps while NDCG@10 improves) on a validation
                                    split of the training ratings: their newest 10 % under --temporal, else 10 % of
                                    each user's; beyond 2M ratings, of a sample of users holding 2M (default on)
          --ranking-exact-rows on|off  end training with every user row solved exactly against the final item
                                    vectors, so reasons add up to the score (default on)
        """;

    /// <summary>The ranking options on the ratings' <paramref name="scale"/>; <c>--threads</c> and <c>--seed</c> (shared with the rating head) apply too.</summary>
    public static RankingOptions Apply(CommandArguments args, string command, RatingScale scale, RankingOptions? start = null)
    {
        var o = (start ?? new RankingOptions()) with { Scale = scale };
        var weighting = args.String("ranking-weighting");
        var search = args.String("ranking-search");
        var negatives = args.String("ranking-negatives");
        var exactRows = args.String("ranking-exact-rows");
        o = o with
        {
            Factors = args.Int("ranking-factors", 1, 4096) ?? o.Factors,
            Iterations = args.Int("ranking-iterations", 1, 10_000) ?? o.Iterations,
            WarmStartIterations = args.Int("ranking-warm-iterations", 0, 10_000) is { } warm ? (warm == 0 ? null : warm) : o.WarmStartIterations,
            Alpha = (float?)args.Double("ranking-alpha", 0, 1e6) ?? o.Alpha,
            Regularization = (float?)args.Double("ranking-regularization", 0, 1e6, minExclusive: true) ?? o.Regularization,
            RegularizationPerItemRating = args.Has("ranking-regularization")
                ? null
                : (float?)args.Double("ranking-regularization-per-rating", 0, 1e6, minExclusive: true) ?? o.RegularizationPerItemRating,
            ConjugateGradientSteps = args.Int("ranking-cg-steps", 0, 1000) ?? o.ConjugateGradientSteps,
            Weighting = weighting switch
            {
                null => o.Weighting,
                "binary" => ConfidenceWeighting.Binary,
                "rating" => ConfidenceWeighting.Rating,
                "squared" => ConfidenceWeighting.RatingSquared,
                _ => throw new UsageException($"--ranking-weighting: '{weighting}' is not binary, rating or squared", command),
            },
            NegativeThreshold = negatives switch
            {
                null => o.NegativeThreshold,
                "off" => null,
                _ => (float?)args.Double("ranking-negatives", 1, 5) ?? o.NegativeThreshold,
            },
            NegativeAlpha = (float?)args.Double("ranking-negative-alpha", 0, 1e6) ?? o.NegativeAlpha,
            PenaltySearch = search switch
            {
                null or "on" => o.PenaltySearch,
                "off" => null,
                _ => throw new UsageException($"--ranking-search: '{search}' is not on or off", command),
            },
            ExactUserRows = exactRows switch
            {
                null => o.ExactUserRows,
                "on" => true,
                "off" => false,
                _ => throw new UsageException($"--ranking-exact-rows: '{exactRows}' is not on or off", command),
            },
            Threads = args.Int("threads", 0, 1024) ?? o.Threads,
            Seed = args.Int("seed") ?? o.Seed,
        };
        try
        {
            o.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, command);
        }
        return o;
    }

    public static string Describe(RankingOptions o) =>
        $"implicit ALS, factors {o.Factors}, {o.Iterations} iterations{(o.WarmStartIterations is { } w ? $" ({w} from a warm start)" : "")}, alpha {o.Alpha:G4} ({WeightingName(o.Weighting)}), "
        + (o.NegativeThreshold is { } t ? $"negatives <= {t:G3} (of 1-5) at alpha {o.NegativeAlpha:G4}, " : "no negatives, ")
        + (o.RegularizationPerItemRating is { } c ? $"regularization {c:G4} x ratings per item, " : $"regularization {o.Regularization:G4}, ")
        + $"{(o.ConjugateGradientSteps == 0 ? "exact solves" : $"{o.ConjugateGradientSteps} CG steps")}, "
        + $"penalty search {(o.PenaltySearch is null ? "off" : "on")}, exact user rows {(o.ExactUserRows ? "on" : "off")}, threads {o.EffectiveThreads}, seed {o.Seed}";

    private static string WeightingName(ConfidenceWeighting weighting) => weighting switch
    {
        ConfidenceWeighting.RatingSquared => "squared",
        _ => weighting.ToString().ToLowerInvariant(),
    };

    /// <summary>One line on what the penalty search tried and chose.</summary>
    public static string Describe(RankingSearchResult search) =>
        FormattableString.Invariant($"penalty search: ")
        + string.Join(", ", search.Steps.Select(s => FormattableString.Invariant($"x{s.Multiplier:G3} (lambda {s.Regularization:G4}) NDCG@10 {s.Ndcg:F4}")))
        + FormattableString.Invariant($"; popularity {search.PopularityNdcg:F4}; chose x{search.Multiplier:G3}");

    /// <summary>
    /// The ranking head for <paramref name="train"/>: with the penalty search on, the multiplier is chosen on a split
    /// of <paramref name="train"/> first (<paramref name="temporal"/>: its newest ratings, else per user) and reported to <paramref name="log"/>.
    /// </summary>
    public static RankingHead Train(RatingSet train, RankingOptions options, bool temporal, TextWriter log, Action<RankingProgress>? onIteration = null)
    {
        RankingHead? chosen = null;
        if (options.PenaltySearch is not null)
        {
            var search = RankingSearch.Choose(train, options, temporal);
            log.WriteLine($"  {Describe(search)}");
            (options, chosen) = (search.Options, search.Head);
        }
        // The chosen candidate was trained on most of these ratings: continue from it (when the options say so).
        return new RankingTrainer(options).Train(train, onIteration, warmStart: chosen);
    }
}
