using System.Security.Cryptography;
using System.Text.Json;

using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace RecommenderService.Api.Infrastructure;

/// <summary>
/// ETags for read routes whose answers repeat (items, popular and similar items): the 200 body is serialised
/// once, its hash is the ETag, and a request whose <c>If-None-Match</c> holds it gets an empty 304, which a
/// phone on a slow network revalidates in one round trip. The tag is weak (<c>W/</c>) because compression
/// changes the bytes on the wire but not the JSON they carry.
/// </summary>
public sealed class ConditionalGet(Func<IServiceProvider, int>? maxAgeSeconds) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var inner = result;
        while (inner is INestedHttpResult nested) inner = nested.Result;
        if (inner is not (IValueHttpResult { Value: { } value } and IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK }))
            return result;

        var http = context.HttpContext;
        var json = JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(),
            http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions);
        var tag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(Hash(json, value), 0, 16)}\"", isWeak: true);
        var headers = http.Response.GetTypedHeaders();
        headers.ETag = tag;
        if (maxAgeSeconds is not null)
            headers.CacheControl = new CacheControlHeaderValue { Private = true, MaxAge = TimeSpan.FromSeconds(maxAgeSeconds(http.RequestServices)) };

        var ifNoneMatch = http.Request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch.Any(candidate => candidate.Equals(EntityTagHeaderValue.Any) || candidate.Compare(tag, useStrongComparison: false)))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        // With its length known, a small body is left uncompressed (see CompressionThreshold).
        return TypedResults.Bytes(json, "application/json; charset=utf-8");
    }

    /// <summary>
    /// The hash of the body without a list's <c>recommendationId</c>, which is new on every answer: the same list is the
    /// same tag, and a client that revalidates keeps the list and the id it was first given. The id is a UUID this
    /// service minted, so its text occurs in the body exactly once.
    /// </summary>
    private static byte[] Hash(byte[] json, object value)
    {
        if (value is not IFreshIdResponse list) return SHA256.HashData(json);
        var id = System.Text.Encoding.UTF8.GetBytes(list.RecommendationId);
        var at = json.AsSpan().IndexOf(id);
        if (at < 0) return SHA256.HashData(json);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(json, 0, at);
        hash.AppendData(json, at + id.Length, json.Length - at - id.Length);
        return hash.GetHashAndReset();
    }
}

/// <summary>Adds <see cref="ConditionalGet"/> to a route.</summary>
public static class ConditionalGetExtensions
{
    /// <param name="builder">The route.</param>
    /// <param name="maxAgeSeconds">When given, also <c>Cache-Control: private, max-age</c>: how long a client may reuse the answer unasked.</param>
    public static RouteHandlerBuilder WithETag(this RouteHandlerBuilder builder, Func<IServiceProvider, int>? maxAgeSeconds = null) =>
        builder.AddEndpointFilter(new ConditionalGet(maxAgeSeconds)).Produces(StatusCodes.Status304NotModified);
}
