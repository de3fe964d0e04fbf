using Npgsql;

namespace RecommenderService.Api.Items;

/// <summary>
/// Reads items' attributes as engine tokens (<see cref="ItemAttributeTokens"/>): all of them for training the
/// attribute→factor map and for a freshly loaded model, a few for the items a catalogue write just changed.
/// </summary>
public sealed class CatalogueAttributes(NpgsqlDataSource database)
{
    /// <summary>Tokens by external id of every item whose attributes give at least one.</summary>
    public async Task<Dictionary<string, string[]>> ReadAllAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT external_id, attributes::text FROM items WHERE attributes IS NOT NULL");
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>Tokens of those of <paramref name="itemIds"/> whose attributes give at least one; the others are absent.</summary>
    public async Task<Dictionary<string, string[]>> ReadAsync(IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken)
    {
        if (itemIds.Count == 0) return new Dictionary<string, string[]>(StringComparer.Ordinal);
        await using var command = database.CreateCommand(
            "SELECT external_id, attributes::text FROM items WHERE external_id = ANY($1) AND attributes IS NOT NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = itemIds.ToArray() });
        return await ReadAsync(command, cancellationToken);
    }

    private static async Task<Dictionary<string, string[]>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var tokens = ItemAttributeTokens.FromJson(reader.GetString(1));
            if (tokens.Length > 0) result[reader.GetString(0)] = tokens;
        }
        return result;
    }
}
