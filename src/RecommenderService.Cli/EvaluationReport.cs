using System.Text.Json;
using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary>The results of <c>recsys evaluate</c>, summarised over folds, as a text table or JSON.</summary>
internal sealed class EvaluationReport(string protocol, int splits, int testRatings, TrainingOptions options, IReadOnlyList<EvaluationResult[]> perSplit)
{
    // precision/recall/ndcg: every held-out item relevant; liked*: held-out ratings at or above the liked threshold.
    private static readonly string[] Metrics =
        ["rmse", "mae", "precision@10", "recall@10", "ndcg@10", "likedPrecision@10", "likedRecall@10", "likedNdcg@10", "disliked@10", "seconds"];
    private static readonly string[] Headers = ["RMSE", "MAE", "P@10", "R@10", "NDCG@10", "likedP@10", "likedR@10", "likedNDCG", "disliked", "seconds"];
    private const int SecondsColumn = 9;

    private IEnumerable<(string Name, (double Mean, double Std)[] Values)> Rows()
    {
        var names = perSplit.SelectMany(s => s.Select(r => r.Name)).Distinct();
        foreach (var name in names)
        {
            var runs = perSplit.SelectMany(s => s.Where(r => r.Name == name)).ToArray();
            double[][] columns =
            [
                runs.Select(r => r.Rmse).ToArray(), runs.Select(r => r.Mae).ToArray(),
                runs.Select(r => r.Lists.Rated.Precision).ToArray(), runs.Select(r => r.Lists.Rated.Recall).ToArray(),
                runs.Select(r => r.Lists.Rated.Ndcg).ToArray(),
                runs.Select(r => r.Lists.Liked.Precision).ToArray(), runs.Select(r => r.Lists.Liked.Recall).ToArray(),
                runs.Select(r => r.Lists.Liked.Ndcg).ToArray(), runs.Select(r => r.Lists.Disliked).ToArray(),
                runs.Select(r => r.Seconds).ToArray(),
            ];
            yield return (name, columns.Select(c => GridSearch.MeanAndStd(c)).ToArray());
        }
    }

    public void WriteTable(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine(protocol + (splits > 1 ? $"  (mean ± std over {splits} folds)" : ""));
        var wide = splits > 1;
        var width = wide ? 17 : 9;
        var lists = perSplit.SelectMany(s => s).Select(r => r.Lists).FirstOrDefault();
        output.WriteLine($"lists: P/R/NDCG@10 with every held-out item relevant; liked = held-out rating >= {lists.LikedThreshold:G4}; "
            + $"disliked = share of the 10 listed items rated <= {lists.DislikedThreshold:G4}");
        output.WriteLine($"{"model",-12} " + string.Join(" ", Headers.Select(h => h.PadLeft(width))));
        foreach (var (name, values) in Rows())
        {
            var cells = values.Select((v, c) => c == SecondsColumn
                ? (wide ? $"{v.Mean:F2} ± {v.Std:F2}" : $"{v.Mean:F2}")
                : (wide ? $"{v.Mean:F4} ± {v.Std:F4}" : $"{v.Mean:F4}"));
            output.WriteLine($"{name,-12} " + string.Join(" ", cells.Select(c => c.PadLeft(width))));
        }
    }

    public void WriteJson(TextWriter output)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("protocol", protocol);
            json.WriteNumber("splits", splits);
            json.WriteNumber("testRatings", testRatings);
            json.WriteStartObject("options");
            json.WriteNumber("factors", options.Factors);
            if (options.Epochs is { } e) json.WriteNumber("epochs", e); else json.WriteNull("epochs");
            json.WriteNumber("learningRate", options.LearningRate);
            json.WriteNumber("regularization", options.Regularization);
            json.WriteNumber("seed", options.Seed);
            json.WriteEndObject();
            var lists = perSplit.SelectMany(s => s).Select(r => r.Lists).FirstOrDefault();
            json.WriteNumber("likedThreshold", lists.LikedThreshold);
            json.WriteNumber("dislikedThreshold", lists.DislikedThreshold);
            json.WriteStartArray("models");
            foreach (var (name, values) in Rows())
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                for (var c = 0; c < Metrics.Length; c++)
                {
                    json.WriteNumber(Metrics[c], Math.Round(values[c].Mean, 6));
                    if (splits > 1) json.WriteNumber(Metrics[c] + "Std", Math.Round(values[c].Std, 6));
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
