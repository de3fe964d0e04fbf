using Microsoft.AspNetCore.Http.HttpResults;

namespace RecommenderService.Api.Validation;

/// <summary>
/// Collects field errors (<c>rating</c>, <c>ratings[17].itemId</c>, ...) and turns them into one
/// RFC 9457 validation problem, so a caller sees every mistake at once.
/// </summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;
    public int Count => _errors.Count;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    /// <summary>Adds the id's problem, if it has one.</summary>
    public void AddIdProblem(string field, string? id)
    {
        var problem = ExternalId.Problem(id);
        if (problem is not null) Add(field, problem);
    }

    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public ValidationProblem ToProblem(string detail) =>
        TypedResults.ValidationProblem(ToDictionary(), detail: detail, title: "The request is not valid");

    /// <summary>
    /// The problem with only the first <paramref name="listed"/> fields in <c>errors</c>, so a small request with
    /// many mistakes cannot get a large answer; <paramref name="detail"/> should count the rest.
    /// </summary>
    public ValidationProblem ToProblem(string detail, int listed) =>
        TypedResults.ValidationProblem(_errors.Take(listed).ToDictionary(e => e.Key, e => e.Value.ToArray()),
            detail: detail, title: "The request is not valid");
}
