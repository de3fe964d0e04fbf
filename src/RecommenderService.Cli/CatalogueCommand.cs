namespace RecommenderService.Cli;

/// <summary><c>recsys catalogue</c>: made-up titles and genres for the items of a generated rating file.</summary>
internal sealed class CatalogueCommand : ICommand
{
    public string Name => "catalogue";
    public string Summary => "write made-up titles, genres and years for generated items (demo catalogue)";
    public string Usage => """
        Usage: recsys catalogue --items N --output FILE [--seed S]

        Writes one line per item "1".."N" (the ids recsys generate uses): itemId TAB the JSON body of
        PUT /api/v1/items/{itemId}, i.e. {"title": ..., "attributes": {"genres": [...], "year": ...}}.
        Titles are put together from small word lists, 1-3 genres out of 16, deterministic from the seed
        (default 42). Made up, not taken from any data set.
        """;
    public IReadOnlySet<string> ValueFlags { get; } = new HashSet<string> { "items", "output", "seed" };
    public IReadOnlySet<string> Switches { get; } = new HashSet<string>();

    public int Execute(CommandArguments args, TextWriter output)
    {
        var items = args.Int("items", 1, 10_000_000) ?? throw new UsageException("missing --items", Name);
        var path = args.Required("output");
        using (var writer = new StreamWriter(path) { NewLine = "\n" })
            foreach (var entry in DemoCatalogue.Generate(items, args.Int("seed") ?? 42))
                writer.WriteLine($"{entry.ItemId}\t{DemoCatalogue.Body(entry)}");
        output.WriteLine($"Wrote catalogue data for {items} items to {path}.");
        return RecsysCommandLine.Success;
    }
}
