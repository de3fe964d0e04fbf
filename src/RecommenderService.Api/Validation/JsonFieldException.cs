namespace RecommenderService.Api.Validation;

/// <summary>
/// A request body that is JSON but holds a value no handler may see: the problem names the field
/// (<see cref="Field"/>, e.g. <c>ratings[3].userId</c>) in its <c>errors</c>, like any validation problem.
/// </summary>
public sealed class JsonFieldException(string field, string message)
    : BadHttpRequestException($"{field}: {message}", StatusCodes.Status400BadRequest)
{
    public string Field { get; } = field;
    public string FieldMessage { get; } = message;
}
