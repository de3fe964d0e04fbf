using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Items.Feeds;

/// <summary>
/// What a feed request asks for beyond its size: a page offset, ids to leave out, attribute filters that
/// must all hold, and whether to add each item's attributes.
/// </summary>
public sealed record FeedQuery(int Offset, int Count, IReadOnlySet<string> Exclude, IReadOnlyList<AttributeFilter> Filters, bool IncludeAttributes)
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
        else if (skip + count > MaxDepth)
            errors.Add("offset", $"offset + count may be at most {MaxDepth}; this asks for items down to {skip + count}.");

        return new FeedQuery(Math.Max(0, skip), count, ReadExclude(exclude, errors), ReadFilters(filter, errors), ReadInclude(include, errors));
    }

    /// <summary>For lists without paging or exclusions (popular and similar items): only filters and include.</summary>
    public static FeedQuery ReadFiltersOnly(int count, string[]? filter, string? include, ValidationErrors errors) =>
        new(0, count, new HashSet<string>(), ReadFilters(filter, errors), ReadInclude(include, errors));

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

    private static bool ReadInclude(string? include, ValidationErrors errors)
    {
        if (include is null) return false;
        var wanted = false;
        foreach (var part in include.Split(','))
        {
            if (part == "attributes") wanted = true;
            else errors.Add("include", $"'{part}' cannot be included; the only choice is include=attributes.");
        }
        return wanted;
    }
}
