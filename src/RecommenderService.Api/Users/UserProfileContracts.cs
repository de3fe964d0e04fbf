using System.Reflection;
using System.Text.Json;
using RecommenderService.Api.Infrastructure;
using RecommenderService.Api.OpenApi;

namespace RecommenderService.Api.Users;

/// <summary>What a user tells the service about themselves, replacing what they told it before.</summary>
/// <param name="Attributes">
/// A JSON object of at most 32 properties, each a string, a number, a boolean or an array of at most 50 strings (strings
/// up to 200 characters), e.g. age, gender, occupation, zip; and optionally <c>likes</c>: an object of the same kind in
/// the items' own attribute terms, the user's onboarding picks (<c>{"genres": ["Sci-Fi", "Drama"]}</c>).
/// </param>
[JsonExample("""{"attributes": {"age": 24, "gender": "F", "occupation": "engineer", "zip": "94043", "likes": {"genres": ["Sci-Fi", "Drama"]}}}""")]
public sealed record UserProfileRequest(
    [property: SchemaAs(typeof(Dictionary<string, JsonElement>))] JsonElement? Attributes)
{
    /// <summary>Reads the body within <see cref="UserProfileEndpoints.MaxProfileBodyBytes"/> through the same checks as the other bodies.</summary>
    public static ValueTask<UserProfileRequest?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        BoundedJsonBody.ReadOptionalAsync<UserProfileRequest>(context, UserProfileEndpoints.MaxProfileBodyBytes);
}

/// <summary>A user's stored profile.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Attributes">The attributes as stored.</param>
/// <param name="UpdatedAt">When they were last written.</param>
public sealed record UserProfileResponse(
    string UserId,
    [property: SchemaAs(typeof(Dictionary<string, JsonElement>))] JsonElement Attributes,
    DateTimeOffset UpdatedAt);
