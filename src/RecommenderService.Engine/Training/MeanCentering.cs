namespace RecommenderService.Engine;

/// <summary>
/// Rewrites a biased factor model so that its average user and average item sit at the origin, without changing
/// any prediction: with p̄ and q̄ the mean user and item vectors,
/// p_u·q_i = p'_u·q'_i + p'_u·q̄ + p̄·q'_i + p̄·q̄ for p' = p − p̄ and q' = q − q̄, so p'_u·q̄ moves into b_u,
/// p̄·q'_i into b_i and p̄·q̄ into μ; then the mean user and item biases move into μ too.
/// </summary>
/// <remarks>
/// Why: a model trained from μ = 0 (<see cref="TrainingOptions.LearnMean"/>) spreads the average rating over μ,
/// the biases and the factors in no particular way. Everything that meets a user or item without its own row
/// assumes the origin is "average": a newcomer is served μ + b_i, fold-in shrinks a new vector towards zero, an
/// unknown item falls back to μ + b_u. After centering those are the average user's prediction, a shrink
/// towards the average user, and the average item's, as with a model trained from the data's mean.
/// Rows that no training rating reached (all zero, bias zero: ids of the rating set with no rating in this
/// training) are left out of the means and stay at the origin, so they become the average user or item.
/// </remarks>
public static class MeanCentering
{
    /// <summary>
    /// Centers <paramref name="userFactors"/> and <paramref name="itemFactors"/> (row-major, <paramref name="k"/>
    /// per row) and both biases in place; returns the new μ. Sums in double: millions of rows.
    /// </summary>
    public static float Center(float globalMean, float[] userBias, float[] itemBias, float[] userFactors, float[] itemFactors, int k)
    {
        var users = userBias.Length;
        var items = itemBias.Length;
        var trainedUsers = Trained(userBias, userFactors, k);
        var trainedItems = Trained(itemBias, itemFactors, k);
        var meanP = MeanRow(userFactors, trainedUsers, k);
        var meanQ = MeanRow(itemFactors, trainedItems, k);
        Subtract(userFactors, trainedUsers, meanP);
        Subtract(itemFactors, trainedItems, meanQ);

        double constant = globalMean;
        for (var j = 0; j < k; j++) constant += meanP[j] * meanQ[j];
        for (var u = 0; u < users; u++)
            if (trainedUsers[u]) userBias[u] += (float)Dot(userFactors.AsSpan(u * k, k), meanQ);
        for (var i = 0; i < items; i++)
            if (trainedItems[i]) itemBias[i] += (float)Dot(itemFactors.AsSpan(i * k, k), meanP);

        var meanUserBias = Mean(userBias, trainedUsers);
        var meanItemBias = Mean(itemBias, trainedItems);
        for (var u = 0; u < users; u++) userBias[u] = trainedUsers[u] ? (float)(userBias[u] - meanUserBias) : 0f;
        for (var i = 0; i < items; i++) itemBias[i] = trainedItems[i] ? (float)(itemBias[i] - meanItemBias) : 0f;
        return (float)(constant + meanUserBias + meanItemBias);
    }

    private static bool[] Trained(float[] bias, float[] rows, int k)
    {
        var trained = new bool[bias.Length];
        for (var r = 0; r < bias.Length; r++)
            trained[r] = bias[r] != 0 || rows.AsSpan(r * k, k).ContainsAnyExcept(0f);
        return trained;
    }

    private static double[] MeanRow(float[] rows, bool[] trained, int k)
    {
        var mean = new double[k];
        var count = 0;
        for (var r = 0; r < trained.Length; r++)
        {
            if (!trained[r]) continue;
            count++;
            for (var j = 0; j < k; j++) mean[j] += rows[r * k + j];
        }
        if (count == 0) return mean;
        for (var j = 0; j < k; j++) mean[j] /= count;
        return mean;
    }

    private static void Subtract(float[] rows, bool[] trained, double[] mean)
    {
        var k = mean.Length;
        for (var r = 0; r < trained.Length; r++)
            if (trained[r])
                for (var j = 0; j < k; j++) rows[r * k + j] = (float)(rows[r * k + j] - mean[j]);
    }

    private static double Dot(ReadOnlySpan<float> row, double[] vector)
    {
        double sum = 0;
        for (var j = 0; j < row.Length; j++) sum += row[j] * vector[j];
        return sum;
    }

    private static double Mean(float[] values, bool[] trained)
    {
        double sum = 0;
        var count = 0;
        for (var r = 0; r < values.Length; r++)
        {
            if (!trained[r]) continue;
            sum += values[r];
            count++;
        }
        return count == 0 ? 0 : sum / count;
    }
}
