using RecommenderService.Api.Observability;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Infrastructure;

/// <summary>
/// Turns the exceptions a caller can cause or should know about into clear problems: malformed or
/// oversized bodies and parameters that do not bind (400/413/415 with what was wrong, and an <c>errors</c>
/// map naming the field or parameter where there is one) and an unreachable database (503, "try again"),
/// also when EF Core wraps the driver's exception. Anything else falls through to the generic 500 problem,
/// without a stack trace.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (context.Response.HasStarted) return false;
        var outage = OutageIn(exception);
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, TitleOf(bad.StatusCode), Describe(bad)),
            _ when outage is not null =>
                (StatusCodes.Status503ServiceUnavailable, "Database unavailable",
                 "The rating store is not reachable right now; nothing was changed. Try again shortly."),
            _ => (0, "", ""),
        };
        if (status == 0) return false;

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            if (outage is not null)
                logger.LogWarning("Database unavailable for {Method} {RequestRoute}: {Error}", context.Request.Method, RequestLogFields.Route(context), outage!.Message);
            context.Response.Headers.RetryAfter = "5";
        }
        context.Response.StatusCode = status;
        var field = FieldOf(exception);
        var problem = field is null
            ? new Microsoft.AspNetCore.Mvc.ProblemDetails()
            : new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field.Value.Name] = [field.Value.Message] });
        problem.Status = status;
        problem.Title = field is null ? title : "The request is not valid";
        problem.Detail = detail;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, Exception = exception, ProblemDetails = problem });
    }

    private static string TitleOf(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "Request body too large",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
        StatusCodes.Status503ServiceUnavailable => "Busy",
        _ => "Malformed request",
    };

    private static string Describe(BadHttpRequestException exception)
    {
        // A field we can name says it all, in the caller's words.
        if (exception is not JsonFieldException && FieldOf(exception) is { } field) return field.Message;
        // System.Text.Json says where the body went wrong ("Path: $.ratings[3].rating"), which is what a caller needs.
        var json = exception.InnerException as JsonException;
        var detail = WithoutTypeNames(json is null ? exception.Message : $"{exception.Message} {json.Message}");
        return exception.StatusCode == StatusCodes.Status415UnsupportedMediaType && !detail.Contains("application/json", StringComparison.Ordinal)
            ? detail + " Send the body as JSON (Content-Type: application/json)."
            : detail;
    }

    /// <summary>The framework's messages name parameters by their .NET type ("RetrainParameters body"); callers get the name only.</summary>
    private static string WithoutTypeNames(string message) =>
        ConversionTarget().Replace(ParameterWithType().Replace(message, "parameter \"${name}\""), "does not have the type this field needs.${end}");

    /// <summary>
    /// The field or parameter a 400 is about: a bad JSON string names its path; a query or route value that
    /// does not bind ("Failed to bind parameter \"int? count\" from \"abc\".") names the parameter.
    /// </summary>
    private static (string Name, string Message)? FieldOf(Exception exception)
    {
        if (exception is JsonFieldException field) return (field.Field, field.FieldMessage);
        if (exception is not BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } bad) return null;
        if (bad.InnerException is JsonException { Path: { } path } json && ConversionTarget().Match(json.Message) is { Success: true } conversion)
        {
            var name = path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
            return (name, $"{(name == "body" ? "The body" : name)} must be {DescribeTarget(conversion.Groups["type"].Value, name)}.");
        }
        var match = BindingFailure().Match(bad.Message);
        if (!match.Success) return null;
        var parameter = match.Groups["name"].Value;
        return (parameter, match.Groups["kind"].Value == "Required"
            ? $"{parameter} is required."
            : $"{parameter} must be {Describe(match.Groups["type"].Value)}; got '{match.Groups["value"].Value}'.");
    }

    /// <summary>A C# type as the framework writes it in binding errors (<c>int?</c>, <c>Nullable&lt;int&gt;</c>), in a caller's words.</summary>
    private static string Describe(string type)
    {
        type = type.TrimEnd('?');
        if (type.StartsWith("Nullable<", StringComparison.Ordinal) && type.EndsWith('>')) type = type["Nullable<".Length..^1];
        return type switch
        {
            "int" or "long" or "short" => "a whole number",
            "double" or "float" or "decimal" => "a number",
            "bool" => "true or false",
            "string" => "text",
            _ => "a value of the documented type",
        };
    }

    /// <summary>
    /// What the field at <paramref name="name"/> must be. A body built through its constructor names the object being
    /// built, not the member, when one of its members fails ("could not be converted to ...StartExperimentRequest.
    /// Path: $.treatment"): then the member's own type says it.
    /// </summary>
    private static string DescribeTarget(string type, string name)
    {
        if (name != "body" && !type.StartsWith("System.", StringComparison.Ordinal)
            && typeof(ProblemExceptionHandler).Assembly.GetType(type) is { } declaring)
        {
            var member = name[(name.LastIndexOf('.') + 1)..];
            if (member.IndexOf('[') is var bracket and >= 0) member = member[..bracket];
            if (declaring.GetProperty(member, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { } property)
            {
                var memberType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                return DescribeClr(memberType.IsArray ? memberType.GetElementType()!.FullName + "[]" : memberType.FullName ?? type);
            }
        }
        return DescribeClr(type);
    }

    /// <summary>A .NET type as System.Text.Json names it (<c>System.Nullable`1[System.Int32]</c>), in a caller's words.</summary>
    private static string DescribeClr(string type)
    {
        const string nullable = "System.Nullable`1[";
        if (type.StartsWith(nullable, StringComparison.Ordinal) && type.EndsWith(']')) type = type[nullable.Length..^1];
        return type switch
        {
            "System.Int32" or "System.Int64" or "System.Int16" or "System.Byte" or "System.UInt32" or "System.UInt64" => "a whole number",
            "System.Double" or "System.Single" or "System.Decimal" => "a number",
            "System.Boolean" => "true or false",
            "System.String" => "text (a JSON string)",
            "System.DateTime" or "System.DateTimeOffset" => "an ISO-8601 time (a JSON string)",
            _ when type.EndsWith("[]", StringComparison.Ordinal) || type.Contains("List`1", StringComparison.Ordinal)
                   || type.Contains("IEnumerable`1", StringComparison.Ordinal) => "a JSON array",
            _ when type.StartsWith("System.", StringComparison.Ordinal) => "a value of the documented type",
            _ => "a JSON object",
        };
    }

    [GeneratedRegex("""could not be converted to (?<type>\S+?)\.(?<end> |$)""")]
    private static partial Regex ConversionTarget();

    [GeneratedRegex("parameter \"(?<type>[^\"]*?) (?<name>[A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial Regex ParameterWithType();

    // The wording of ASP.NET Core's RequestDelegateFactory, with RouteHandlerOptions.ThrowOnBadRequest.
    [GeneratedRegex("""^(?<kind>Failed to bind|Required) parameter "(?<type>[^"]*?) (?<name>[A-Za-z_][A-Za-z0-9_]*)"( from "(?<value>.*)")?""", RegexOptions.Singleline)]
    private static partial Regex BindingFailure();

    /// <summary>The driver's exception behind <paramref name="exception"/> (EF Core wraps it) if it means "database unavailable".</summary>
    private static Exception? OutageIn(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
            if (current is NpgsqlException or TimeoutException && IsDatabaseOutage(current))
                return current;
        return null;
    }

    private static bool IsDatabaseOutage(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.IsTransient || UnavailableStates.Contains(postgres.SqlState)
                                      || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is System.Net.Sockets.SocketException or IOException or TimeoutException,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>Server answers that mean "not available now" rather than "your request is wrong".</summary>
    private static readonly HashSet<string> UnavailableStates =
    [
        "57P01", // admin_shutdown
        "57P02", // crash_shutdown
        "57P03", // cannot_connect_now
        "53300", // too_many_connections
        "55000", // object_not_in_prerequisite_state: database not accepting connections
        "3D000", // invalid_catalog_name: the database is gone
    ];
}
