namespace RecommenderService.Api.Ratings.Import;

/// <summary>
/// The database keys of the users and items a streamed import has resolved so far, so a later chunk that names them
/// again needs no round trip: the import's transaction holds their rows from the chunk that resolved them (users
/// stamped, items locked FOR KEY SHARE), so the keys stay valid until it ends. Grows with the distinct ids of the
/// file, not its lines (about 100 bytes an id); past <see cref="MaxRemembered"/> ids it starts afresh, and a chunk
/// then resolves its ids again (stamping skips users this import stamped already).
/// </summary>
internal sealed class ImportKeys
{
    public const int MaxRemembered = 2_000_000;

    private readonly Dictionary<string, int> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _items = new(StringComparer.Ordinal);

    public bool TryGetUser(string id, out int key) => _users.TryGetValue(id, out key);

    public bool TryGetItem(string id, out int key) => _items.TryGetValue(id, out key);

    /// <summary>Remembers the keys of a chunk that was written (never those of a chunk rolled back).</summary>
    public void Remember(ImportRows rows, int[] userKeys, int[] itemKeys)
    {
        if (_users.Count + rows.UserCount > MaxRemembered) _users.Clear();
        if (_items.Count + rows.ItemCount > MaxRemembered) _items.Clear();
        for (var i = 0; i < rows.UserCount; i++) _users[rows.UserIds[i]] = userKeys[i];
        for (var i = 0; i < rows.ItemCount; i++) _items[rows.ItemIds[i]] = itemKeys[i];
    }
}
