namespace RecommenderService.Engine;

/// <summary>A rating file could not be read; the message names the file and, for a bad line, its 1-based number.</summary>
public sealed class RatingFileException : Exception
{
    public RatingFileException(string fileName, long lineNumber, string reason)
        : base(lineNumber > 0 ? $"{fileName}:{lineNumber}: {reason}" : $"{fileName}: {reason}")
    {
        FileName = fileName;
        LineNumber = lineNumber;
        Reason = reason;
    }

    public RatingFileException(string fileName, string reason, Exception inner)
        : base($"{fileName}: {reason}", inner)
    {
        FileName = fileName;
        Reason = reason;
    }

    public string FileName { get; }

    /// <summary>The 1-based line number of the offending line; 0 when the error is not about one line.</summary>
    public long LineNumber { get; }

    public string Reason { get; }
}
