using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace RecommenderService.Api.Dashboard.Charts;

/// <summary>
/// A line chart as inline SVG, drawn on the server: no script, no library, readable without styles. Colours come from
/// the style sheet (<c>series-N</c> classes); every point carries its value as a tooltip, and the figure is labelled
/// for screen readers. The pages show the same figures in a table beside it.
/// </summary>
public static class LineChart
{
    private const double Width = 640, Height = 240, Left = 58, Right = 14, Top = 14, Bottom = 34;
    private const int MaxXLabels = 12;

    /// <param name="id">Unique on the page: names the title and description elements.</param>
    /// <param name="title">What the chart shows, also its accessible name.</param>
    /// <param name="xLabels">One label per point, left to right.</param>
    /// <param name="series">The lines; values beyond <paramref name="xLabels"/> are ignored.</param>
    /// <param name="format">How values are written on the axis and in tooltips.</param>
    public static IHtmlContent Render(string id, string title, IReadOnlyList<string> xLabels, IReadOnlyList<ChartSeries> series, string format = "0.000")
    {
        var values = series.SelectMany(s => s.Values.Take(xLabels.Count)).OfType<double>().Where(double.IsFinite).ToList();
        var html = new StringBuilder();
        html.Append("<figure class=\"chart\">");
        if (values.Count == 0 || xLabels.Count == 0)
        {
            html.Append("<p class=\"empty\">").Append(Encode(title)).Append(": nothing to draw yet.</p></figure>");
            return new HtmlString(html.ToString());
        }

        var (low, high) = Range(values);
        var ticks = Ticks(low, high);
        var tickFormat = TickFormat(ticks.Length > 1 ? ticks[1] - ticks[0] : 1);
        (low, high) = (Math.Min(low, ticks[0]), Math.Max(high, ticks[^1]));
        double X(int index) => xLabels.Count == 1 ? Left + (Width - Left - Right) / 2 : Left + index * (Width - Left - Right) / (xLabels.Count - 1);
        double Y(double value) => Top + (high - value) / (high - low) * (Height - Top - Bottom);

        html.Append(CultureInfo.InvariantCulture, $"<svg viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">");
        html.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{Encode(title)}</title>");
        html.Append(CultureInfo.InvariantCulture, $"<desc id=\"{id}-desc\">{Encode(Describe(xLabels, series, format))}</desc>");
        foreach (var tick in ticks)
        {
            var y = Y(tick);
            html.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\"/>");
            html.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{Format(tick, tickFormat)}</text>");
        }
        html.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Height - Bottom}\"/>");
        html.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\"/>");
        var step = (xLabels.Count + MaxXLabels - 1) / MaxXLabels;
        for (var i = 0; i < xLabels.Count; i += step)
            html.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{X(i):0.#}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{Encode(xLabels[i])}</text>");

        for (var s = 0; s < series.Count; s++)
        {
            var css = $"series-{s % 4}" + (series[s].Dashed ? " dashed" : "");
            var points = new StringBuilder();
            var count = Math.Min(series[s].Values.Count, xLabels.Count);
            // A gap (null) ends a line; the next value starts a new one.
            void Flush()
            {
                if (points.Length > 0) html.Append(CultureInfo.InvariantCulture, $"<polyline class=\"line {css}\" points=\"{points.ToString().TrimEnd()}\"/>");
                points.Clear();
            }
            for (var i = 0; i < count; i++)
            {
                if (series[s].Values[i] is { } value && double.IsFinite(value)) points.Append(CultureInfo.InvariantCulture, $"{X(i):0.#},{Y(value):0.#} ");
                else Flush();
            }
            Flush();
            for (var i = 0; i < count; i++)
                if (series[s].Values[i] is { } value && double.IsFinite(value))
                    html.Append(CultureInfo.InvariantCulture,
                        $"<circle class=\"dot series-{s % 4}\" cx=\"{X(i):0.#}\" cy=\"{Y(value):0.#}\" r=\"3.5\"><title>{Encode($"{series[s].Name}, {xLabels[i]}: {Format(value, format)}")}</title></circle>");
        }
        html.Append("</svg>");
        html.Append(CultureInfo.InvariantCulture, $"<figcaption>{Encode(title)}</figcaption><ul class=\"legend\">");
        for (var s = 0; s < series.Count; s++)
            html.Append(CultureInfo.InvariantCulture, $"<li class=\"series-{s % 4}\"><span>{Encode(series[s].Name)}{(series[s].Dashed ? " (dashed)" : "")}</span></li>");
        html.Append("</ul></figure>");
        return new HtmlString(html.ToString());
    }

    /// <summary>The values' span, widened a little (or around a single value) so no line sits on the frame.</summary>
    private static (double Low, double High) Range(List<double> values)
    {
        var (low, high) = (values.Min(), values.Max());
        var pad = high > low ? (high - low) * 0.08 : Math.Max(Math.Abs(high) * 0.05, 0.01);
        return (low - pad, high + pad);
    }

    /// <summary>About five round tick values covering [low, high].</summary>
    private static double[] Ticks(double low, double high)
    {
        var raw = (high - low) / 4;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        var first = Math.Floor(low / step) * step;
        var ticks = new List<double>();
        for (var t = first; t <= high + step * 0.999; t += step) ticks.Add(Math.Round(t, 10));
        return ticks.ToArray();
    }

    /// <summary>As many decimals as the tick step has, so neighbouring ticks read differently (0.2 apart or 0.0025 apart).</summary>
    private static string TickFormat(double step)
    {
        var decimals = 0;
        while (decimals < 6 && Math.Abs(Math.Round(step, decimals) - step) > step * 1e-6) decimals++;
        return decimals == 0 ? "0" : "0." + new string('0', decimals);
    }

    private static string Describe(IReadOnlyList<string> xLabels, IReadOnlyList<ChartSeries> series, string format) =>
        string.Join("; ", series.Select(s =>
        {
            var points = s.Values.Take(xLabels.Count).Select((v, i) => (v, i)).Where(p => p.v is { } d && double.IsFinite(d)).ToList();
            return points.Count == 0
                ? $"{s.Name}: no values"
                : $"{s.Name} from {Format(points[0].v!.Value, format)} ({xLabels[points[0].i]}) to {Format(points[^1].v!.Value, format)} ({xLabels[points[^1].i]})";
        }));

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
