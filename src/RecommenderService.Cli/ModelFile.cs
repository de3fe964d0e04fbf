using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary>Reads and writes model files for train, predict and recommend, turning failures into file errors that name the file.</summary>
internal static class ModelFile
{
    public static FactorModel Read(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Deserialize(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FormatException or EndOfStreamException or ModelFormatException)
        {
            throw new InvalidDataException($"{path}: cannot read the model: {e.Message}", e);
        }
    }

    public static void Write(FactorModel model, string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            Serialize(model, stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{path}: cannot write the model: {e.Message}", e);
        }
    }

    private static FactorModel Deserialize(Stream stream) => ModelSerializer.Read(stream);

    private static void Serialize(FactorModel model, Stream stream) => ModelSerializer.Write(model, stream);
}
