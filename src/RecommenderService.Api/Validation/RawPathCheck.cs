using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing.Patterns;

namespace RecommenderService.Api.Validation;

/// <summary>
/// Checks the API's request path as the client sent it, before the server's decoding hides what was
/// there: a percent-encoded '/' (<c>%2F</c>, left encoded by the server so "a%2Fb" and "a%252Fb" would
/// both look like the id "a%2Fb"), NUL (<c>%00</c>) and bytes that are not UTF-8 (decoded to U+FFFD, so
/// another id than the one meant). Each is a 400 problem naming the route parameter.
/// </summary>
public sealed class RawPathCheck(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api")) return next(context);
        // Kestrel keeps the target as sent; hosts that do not (TestServer) leave "%2F" encoded in Path, as Kestrel does.
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/') raw = context.Request.PathBase.Value + context.Request.Path.Value;

        var query = raw.IndexOf('?');
        var segments = (query < 0 ? raw : raw[..query]).Split('/');
        for (var position = 0; position < segments.Length; position++)
        {
            var problem = Problem(segments[position]);
            if (problem is null) continue;
            var field = ParameterAt(context, position) ?? "path";
            return Results.ValidationProblem(
                new Dictionary<string, string[]> { [field] = [problem] },
                detail: $"The request path is not valid: {problem}",
                title: "The request is not valid").ExecuteAsync(context);
        }
        return next(context);
    }

    /// <summary>Null when the segment decodes to valid text without '/' or NUL.</summary>
    private static string? Problem(string segment)
    {
        if (!segment.AsSpan().ContainsAnyExceptInRange((char)0x21, (char)0x7E) && !segment.Contains('%')) return null;
        var bytes = new List<byte>(segment.Length);
        for (var i = 0; i < segment.Length; i++)
        {
            if (segment[i] == '%' && i + 2 < segment.Length && Uri.IsHexDigit(segment[i + 1]) && Uri.IsHexDigit(segment[i + 2]))
            {
                bytes.Add(Convert.ToByte(segment.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (segment[i] < 0x80) bytes.Add((byte)segment[i]);
            else if (i + 1 < segment.Length && char.IsSurrogatePair(segment[i], segment[i + 1]))
            {
                bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(segment.Substring(i, 2)));
                i++;
            }
            else if (char.IsSurrogate(segment[i]))
                return "A path must be valid Unicode text (a lone UTF-16 surrogate is not).";
            else bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(segment[i].ToString()));
        }
        var decoded = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
        if (decoded.Contains((byte)'/'))
            return ExternalId.Problem("/")!;
        if (decoded.Contains((byte)0))
            return "A path may not contain NUL (%00).";
        if (!Utf8.IsValid(decoded))
            return "A path must be UTF-8 text once percent-decoded.";
        return null;
    }

    /// <summary>The route parameter the path segment at <paramref name="position"/> binds, if any.</summary>
    private static string? ParameterAt(HttpContext context, int position)
    {
        if (context.GetEndpoint() is not RouteEndpoint endpoint) return null;
        // The raw path starts with '/', so segment 0 is empty and segment k is the pattern's segment k - 1
        // (PathBase, if any, is ignored: the service is not mounted below one).
        var index = position - 1;
        var segments = endpoint.RoutePattern.PathSegments;
        if (index < 0 || index >= segments.Count) return null;
        return segments[index].Parts is [RoutePatternParameterPart parameter] ? parameter.Name : null;
    }
}
