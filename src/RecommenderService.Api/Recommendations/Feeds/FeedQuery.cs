using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Recommendations.Feeds;

/// <summary>
/// What a feed request asks for beyond its size: a page offset, ids to leave out, attribute filters that
/// must all hold, and whether to add each item's attributes and why it is listed.
/// </summary>
public sealed record FeedQuery(int Offset, int Count, IReadOnlySet<string> Exclude, IReadOnlyList<AttributeFilter> Filters, bool IncludeAttributes,
    bool IncludeReasons = false)
{
    /// <summary>Pages reach this far down a list at most: deeper scrolling is no longer a recommendation.</summary>
    public const int MaxDepth = 500;

    public const int MaxExclude = 200;
    public const int MaxFilters = 10;
    public const int MaxFilterKeyLength = 128;
    public const int MaxFilterValueLength = 1000;

    /// <summary>The number of ranked items the page needs: everything above it and the page itself.</summary>
    public int Depth => Offset + Count;

    public bool HasFilters => Filters.Count > 0;

    public static FeedQuery Plain(int count) => new(0, count, new HashSet<string>(), [], false);

    /// <summary>Reads the raw query values; every problem goes to <paramref name="errors"/>.</summary>
    public static FeedQuery Read(int count, string? offset, string? exclude, string[]? filter, string? include, ValidationErrors errors)
    {
        var skip = 0;
        if (offset is not null && (!int.TryParse(offset, out skip) || skip < 0))
            errors.Add("offset", "offset must be a whole number of 0 or more.");
        // In 64 bits: offset=2147483600&count=100 wraps to a negative depth in 32 and would pass.
        else if ((long)skip + count > MaxDepth)
            errors.Add("offset", $"offset + count may be at most {MaxDepth}; this asks for items down to {(long)skip + count}.");

        var (attributes, reasons) = ReadInclude(include, reasonsOffered: true, errors);
        return new FeedQuery(Math.Max(0, skip), count, ReadExclude(exclude, errors), ReadFilters(filter, errors), attributes, reasons);
    }

    /// <summary>
    /// For lists without paging or exclusions (popular and similar items): only filters and include, where
    /// <c>reasons</c> is accepted only when <paramref name="reasonsOffered"/>.
    /// </summary>
    public static FeedQuery ReadFiltersOnly(int count, string[]? filter, string? include, ValidationErrors errors, bool reasonsOffered = false)
    {
        var (attributes, reasons) = ReadInclude(include, reasonsOffered, errors);
        return new(0, count, new HashSet<string>(), ReadFilters(filter, errors), attributes, reasons);
    }

    private static HashSet<string> ReadExclude(string? exclude, ValidationErrors errors)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (exclude is null) return ids;
        var parts = exclude.Split(',');
        if (parts.Length > MaxExclude)
        {
            errors.Add("exclude", $"exclude holds at most {MaxExclude} item ids; this one has {parts.Length}.");
            return ids;
        }
        foreach (var id in parts)
        {
            if (ExternalId.Problem(id) is { } problem)
            {
                errors.Add("exclude", $"'{id}': {problem} Separate ids with single commas.");
                continue;
            }
            ids.Add(id);
        }
        return ids;
    }

    private static List<AttributeFilter> ReadFilters(string[]? filter, ValidationErrors errors)
    {
        var filters = new List<AttributeFilter>();
        if (filter is null) return filters;
        if (filter.Length > MaxFilters)
        {
            errors.Add("filter", $"At most {MaxFilters} filters; this request has {filter.Length}.");
            return filters;
        }
        foreach (var raw in filter)
        {
            var colon = raw.IndexOf(':');
            if (colon <= 0 || colon == raw.Length - 1)
            {
                errors.Add("filter", $"'{raw}' is not key:value (e.g. filter=genres:Sci-Fi).");
                continue;
            }
            var (key, value) = (raw[..colon], raw[(colon + 1)..]);
            if (key.Length > MaxFilterKeyLength || value.Length > MaxFilterValueLength)
            {
                errors.Add("filter", $"A filter key is at most {MaxFilterKeyLength} characters and a value at most {MaxFilterValueLength}.");
                continue;
            }
            filters.Add(new AttributeFilter(key, value));
        }
        return filters;
    }

    private static (bool Attributes, bool Reasons) ReadInclude(string? include, bool reasonsOffered, ValidationErrors errors)
    {
        if (include is null) return (false, false);
        var (attributes, reasons) = (false, false);
        var choices = reasonsOffered ? "include=attributes, include=reasons or include=attributes,reasons" : "include=attributes";
        foreach (var part in include.Split(','))
        {
            if (part == "attributes") attributes = true;
            else if (part == "reasons" && reasonsOffered) reasons = true;
            else errors.Add("include", $"'{part}' cannot be included here; the choices are {choices}.");
        }
        return (attributes, reasons);
    }
}
