using RecommenderService.Engine;

namespace RecommenderService.Api.Recommendations;

/// <summary>
/// The engine's reasons for the last page explained from a view (<see cref="UserModelView.LastReasons"/>), kept
/// like its last list: a repeated request for the same page skips the per-item split. Titles are not kept: they are
/// read fresh, as for the items themselves.
/// </summary>
public sealed record ExplainedPage(int[] Items, ItemReasons[] Reasons)
{
    public bool Matches(ScoredItem[] page)
    {
        if (page.Length != Items.Length) return false;
        for (var k = 0; k < page.Length; k++)
            if (page[k].Item != Items[k]) return false;
        return true;
    }
}
