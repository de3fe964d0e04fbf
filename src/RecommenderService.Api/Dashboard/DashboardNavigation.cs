namespace RecommenderService.Api.Dashboard;

/// <summary>The dashboard's pages, in the order the navigation shows them.</summary>
public static class DashboardNavigation
{
    public static IReadOnlyList<(string Path, string Label)> Pages { get; } =
    [
        (DashboardDefaults.Path + "/model", "Model"),
        (DashboardDefaults.Path + "/training", "Training"),
        (DashboardDefaults.Path + "/users", "Users"),
        (DashboardDefaults.Path + "/items", "Items"),
        (DashboardDefaults.Path + "/outcomes", "Outcomes"),
    ];

    /// <summary>True for the page at <paramref name="path"/> and the pages below it (a version's activation is on Model).</summary>
    public static bool IsCurrent(PathString requested, string path) => requested.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase);
}
