using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using RecommenderService.Api.Outcomes.Impressions;

// The client's CPU time of writing impressions with COPY, per row: Npgsql's binary importer field by field (the
// writer before) against a batch encoded by ImpressionCopyRows and sent raw (the writer now). The same 2,000 rows
// (a user of 943, ten item ids of 1,682) in 50 batches per measurement, the two alternating, the first round a warm-up.
// Then the erased-user lookup's keyed hashes, per user id: IdHashKey.Hash (the key set up for every hash) against one
// IdHasher kept by the writer.
//   dotnet run -c Release -- "Host=...;Database=...;Username=..." [rounds]
var connectionString = args[0];
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
const int Batches = 50;
var random = new Random(1);
var itemIds = Enumerable.Range(1, 1682).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
var batch = new List<Impression>();
for (var k = 0; k < 2000; k++)
    batch.Add(new Impression(Guid.CreateVersion7(), random.Next(1, 944).ToString(CultureInfo.InvariantCulture), "recommendations", "model",
        "ranking_head", 3, null, null, ListedItems.Of(Enumerable.Range(0, 10).Select(_ => itemIds[random.Next(itemIds.Length)]).ToArray()),
        DateTimeOffset.UtcNow));

await using var database = NpgsqlDataSource.Create(connectionString);
await using (var create = database.CreateCommand("""
    DROP TABLE IF EXISTS impressions;
    CREATE TABLE impressions (id uuid, user_id varchar(128), list varchar(16), strategy varchar(16), source varchar(16),
        model_version int, experiment_id bigint, arm varchar(16), items text[], served_at timestamptz)
    """))
    await create.ExecuteNonQueryAsync();

var rows = new ArrayBufferWriter<byte>(1 << 16);
var process = Process.GetCurrentProcess();
for (var round = 0; round < rounds; round++)
    foreach (var (name, write) in new (string, Func<NpgsqlConnection, Task>)[] { ("importer", ImporterAsync), ("raw", RawAsync) })
    {
        await using var connection = await database.OpenConnectionAsync();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(true);
        for (var b = 0; b < Batches; b++) await write(connection);
        process.Refresh();
        var perRow = (process.TotalProcessorTime - cpu).TotalMicroseconds / (Batches * batch.Count);
        if (round > 0)
            Console.WriteLine($"round {round} {name}: {perRow:F2} µs client CPU a row, {(GC.GetTotalAllocatedBytes(true) - allocated) / (Batches * batch.Count)} bytes allocated a row");
    }

var key = new RecommenderService.Api.Privacy.IdHashKey("a key for the measurement");
using var hasher = new RecommenderService.Api.Privacy.IdHasher(key);
var users = Enumerable.Range(1, 943).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
var hash = new byte[RecommenderService.Api.Privacy.IdHasher.HashLength];
const int Hashes = 200_000;
for (var round = 0; round < rounds; round++)
    foreach (var (name, run) in new (string, Action<string>)[] { ("key per hash", id => key.Hash(id)), ("one hasher", id => hasher.Hash(id, hash)) })
    {
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        for (var k = 0; k < Hashes; k++) run(users[k % users.Length]);
        process.Refresh();
        if (round > 0) Console.WriteLine($"round {round} id hash, {name}: {(process.TotalProcessorTime - cpu).TotalMicroseconds / Hashes:F2} µs CPU a user");
    }

async Task ImporterAsync(NpgsqlConnection connection)
{
    await using var importer = await connection.BeginBinaryImportAsync(ImpressionCopyRows.Sql);
    foreach (var impression in batch)
    {
        importer.StartRow();
        importer.Write(impression.Id, NpgsqlDbType.Uuid);
        importer.Write(impression.UserId, NpgsqlDbType.Varchar);
        importer.Write(impression.List, NpgsqlDbType.Varchar);
        importer.Write(impression.Strategy, NpgsqlDbType.Varchar);
        importer.Write(impression.Source, NpgsqlDbType.Varchar);
        importer.Write(impression.ModelVersion!.Value, NpgsqlDbType.Integer);
        importer.WriteNull();
        importer.WriteNull();
        importer.Write(Enumerable.Range(0, impression.Items.Count).Select(k => impression.Items[k]).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        importer.Write(impression.ServedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz);
    }
    await importer.CompleteAsync();
}

async Task RawAsync(NpgsqlConnection connection)
{
    rows.ResetWrittenCount();
    ImpressionCopyRows.Write(rows, batch);
    await using var copy = await connection.BeginRawBinaryCopyAsync(ImpressionCopyRows.Sql);
    await copy.WriteAsync(rows.WrittenMemory);
}
