using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace RecommenderService.Api.Dashboard.Charts;

/// <summary>A column chart as inline SVG (a rating histogram): one labelled column per value, its count above it.</summary>
public static class BarChart
{
    private const double Width = 480, Height = 200, Left = 10, Right = 10, Top = 20, Bottom = 28;

    public static IHtmlContent Render(string id, string title, IReadOnlyList<(string Label, long Count)> bars)
    {
        var html = new StringBuilder("<figure class=\"chart\">");
        var highest = bars.Count == 0 ? 0 : bars.Max(b => b.Count);
        if (highest == 0)
        {
            html.Append("<p class=\"empty\">").Append(WebUtility.HtmlEncode(title)).Append(": nothing to draw yet.</p></figure>");
            return new HtmlString(html.ToString());
        }
        var slot = (Width - Left - Right) / bars.Count;
        var description = string.Join(", ", bars.Select(b => $"{b.Label}: {b.Count}"));
        html.Append(CultureInfo.InvariantCulture, $"<svg viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">");
        html.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{WebUtility.HtmlEncode(title)}</title><desc id=\"{id}-desc\">{WebUtility.HtmlEncode(description)}</desc>");
        for (var i = 0; i < bars.Count; i++)
        {
            var height = (Height - Top - Bottom) * bars[i].Count / highest;
            var x = Left + i * slot + slot * 0.15;
            var y = Height - Bottom - height;
            html.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" x=\"{x:0.#}\" y=\"{y:0.#}\" width=\"{slot * 0.7:0.#}\" height=\"{height:0.#}\"><title>{WebUtility.HtmlEncode($"{bars[i].Label}: {bars[i].Count}")}</title></rect>");
            html.Append(CultureInfo.InvariantCulture, $"<text class=\"bar-label\" x=\"{x + slot * 0.35:0.#}\" y=\"{y - 4:0.#}\" text-anchor=\"middle\">{bars[i].Count}</text>");
            html.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{x + slot * 0.35:0.#}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{WebUtility.HtmlEncode(bars[i].Label)}</text>");
        }
        html.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\"/>");
        html.Append("</svg><figcaption>").Append(WebUtility.HtmlEncode(title)).Append("</figcaption></figure>");
        return new HtmlString(html.ToString());
    }
}
