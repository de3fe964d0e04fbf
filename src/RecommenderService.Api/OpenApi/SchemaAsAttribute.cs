namespace RecommenderService.Api.OpenApi;

/// <summary>
/// Documents a field as the type a caller sends or receives, where the C# field is looser on purpose: request
/// fields kept as raw JSON so that a wrong type is reported against the field by name (a rating sent as
/// <c>"five"</c>), or JSON stored as is. Also on a query parameter read as text so its errors are ours.
/// Only the OpenAPI document reads it; binding and validation are untouched.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class SchemaAsAttribute(Type type) : Attribute
{
    /// <summary>The type the field has on the wire.</summary>
    public Type Type { get; } = type;

    /// <summary>The server needs the field: a request without it is refused.</summary>
    public bool Required { get; init; }

    /// <summary>The field may be <c>null</c>.</summary>
    public bool Nullable { get; init; }
}
