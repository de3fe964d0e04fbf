namespace RecommenderService.Engine;

/// <summary>A serialised model that cannot be read: wrong magic, unsupported version, truncated or corrupt; the message says which.</summary>
public sealed class ModelFormatException : Exception
{
    public ModelFormatException(string message) : base(message) { }

    public ModelFormatException(string message, Exception inner) : base(message, inner) { }
}
