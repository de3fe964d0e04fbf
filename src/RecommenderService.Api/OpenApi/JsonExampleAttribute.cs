namespace RecommenderService.Api.OpenApi;

/// <summary>
/// An example of a request or response body, as JSON. Swagger UI fills it in as the body to send, so a request
/// example must succeed when executed as it stands.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class JsonExampleAttribute(string json) : Attribute
{
    public string Json { get; } = json;
}
