using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Infrastructure;

/// <summary>
/// Reads a JSON request body of at most a given size, for request types that bind themselves
/// (<c>BindAsync</c>). Every failure is a <see cref="BadHttpRequestException"/> with the right status (413 too
/// large, 415 not JSON, 400 malformed or holding text no handler may see: see <see cref="JsonBodyCheck"/>),
/// which <see cref="ProblemExceptionHandler"/> turns into a problem, on any server: the route's request-size
/// metadata is enforced by Kestrel, but not by every host (TestServer). Large bodies take turns
/// (<see cref="LargeBodyGate"/>).
/// </summary>
public static class BoundedJsonBody
{
    public static async ValueTask<T> ReadAsync<T>(HttpContext context, long maxBytes) where T : class
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
            throw new BadHttpRequestException(
                $"Send the body as JSON (Content-Type: application/json); got '{request.ContentType}'.", StatusCodes.Status415UnsupportedMediaType);
        if (request.ContentLength > maxBytes)
            throw TooLarge(maxBytes);
        var gate = context.RequestServices.GetRequiredService<LargeBodyGate>();
        if (gate.IsLarge(request.ContentLength))
            await gate.EnterAsync(context);

        var reader = request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync(context.RequestAborted);
            if (read.Buffer.Length > maxBytes)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                throw TooLarge(maxBytes);
            }
            if (read.IsCompleted) break;
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        try
        {
            JsonBodyCheck.Check(read.Buffer);
            var options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            if (typeof(T) == typeof(JsonDocument))
                return (T)(object)ParseDocument(read.Buffer, options);
            var json = new Utf8JsonReader(read.Buffer);
            return JsonSerializer.Deserialize<T>(ref json, options)
                   ?? throw new BadHttpRequestException("A JSON object is required as the body, not null.");
        }
        catch (JsonException exception)
        {
            throw new BadHttpRequestException("The body is not valid JSON.", exception);
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }
    }

    /// <summary>
    /// A document over a copy of the body in an array of its own: parsing the buffered body directly would copy it
    /// into an array from the shared pool, which keeps such arrays (up to the largest body, per thread) for good.
    /// </summary>
    private static JsonDocument ParseDocument(ReadOnlySequence<byte> body, JsonSerializerOptions options) =>
        JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions
        {
            AllowTrailingCommas = options.AllowTrailingCommas,
            CommentHandling = options.ReadCommentHandling,
            MaxDepth = options.MaxDepth,
        });

    /// <summary>As <see cref="ReadAsync{T}"/>, but null for a request without a body (an optional body).</summary>
    public static async ValueTask<T?> ReadOptionalAsync<T>(HttpContext context, long maxBytes) where T : class
    {
        var request = context.Request;
        if (request.ContentLength == 0 || (request.ContentLength is null && string.IsNullOrEmpty(request.ContentType)
                                           && !request.Headers.TransferEncoding.Any()))
            return null;
        return await ReadAsync<T>(context, maxBytes);
    }

    public static BadHttpRequestException TooLarge(long maxBytes) =>
        new($"The body is larger than this route accepts ({maxBytes:N0} bytes).", StatusCodes.Status413PayloadTooLarge);
}
