namespace RecommenderService.Engine;

/// <summary>
/// The rows a <see cref="TokenRegression"/> learns from: every row (item or user) that is trained and has tokens, with
/// its tokens as distinct column indices into <see cref="Names"/>, the sorted vocabulary of every such row.
/// </summary>
internal sealed record TokenRows(string[] Names, int[] Rows, int[][] Columns)
{
    /// <summary>The rows 0 … <paramref name="count"/> − 1 that <paramref name="trained"/> accepts (all when null) and
    /// <paramref name="attributesOf"/> gives tokens.</summary>
    public static TokenRows Of(int count, Func<int, IReadOnlyCollection<string>?> attributesOf, Func<int, bool>? trained)
    {
        var vocabulary = new SortedSet<string>(StringComparer.Ordinal);
        var rows = new List<(int Row, IReadOnlyCollection<string> Attributes)>();
        for (var i = 0; i < count; i++)
        {
            if (trained is not null && !trained(i)) continue;
            if (attributesOf(i) is not { } attributes) continue;
            rows.Add((i, attributes));
            vocabulary.UnionWith(attributes);
        }
        var names = vocabulary.ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var a = 0; a < names.Length; a++) index[names[a]] = a;
        var columns = new int[rows.Count][];
        for (var r = 0; r < rows.Count; r++) columns[r] = rows[r].Attributes.Distinct().Select(a => index[a]).ToArray();
        return new TokenRows(names, rows.Select(r => r.Row).ToArray(), columns);
    }

    public int Count => Rows.Length;
}
