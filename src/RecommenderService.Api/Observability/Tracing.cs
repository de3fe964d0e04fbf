using System.Diagnostics;
using Npgsql;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace RecommenderService.Api.Observability;

/// <summary>
/// OpenTelemetry tracing: incoming requests (ASP.NET Core), outgoing HTTP calls, every PostgreSQL command
/// (Npgsql) and the service's own spans (<see cref="Source"/>: training stages and the rollout). Spans leave
/// the process over OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; without it they are still made,
/// so every request has a trace id (it is the request id of the response, see <see cref="RequestId"/>).
/// </summary>
public static class Tracing
{
    public const string SourceName = "RecommenderService";

    /// <summary>The service's own spans.</summary>
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The standard OpenTelemetry variable; unset = nothing is exported.</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static void AddTracing(this WebApplicationBuilder builder)
    {
        var endpoint = builder.Configuration[EndpointVariable];
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: builder.Configuration["OTEL_SERVICE_NAME"] ?? "recommender-service",
                serviceInstanceId: Environment.MachineName))
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(SourceName)
                    .AddAspNetCoreInstrumentation(options =>
                    {
                        // Probes and scrapes every few seconds would drown the traces that matter.
                        options.Filter = context => !IsProbe(context.Request.Path);
                        options.RecordException = true;
                        // The route template, not the path: paths carry user ids, which exported spans must not keep.
                        options.EnrichWithHttpResponse = (span, response) =>
                            span.SetTag("url.path", RequestLogFields.Route(response.HttpContext));
                    })
                    .AddHttpClientInstrumentation()
                    .AddNpgsql();
                if (!string.IsNullOrWhiteSpace(endpoint))
                    tracing.AddOtlpExporter(); // reads the endpoint, protocol and headers from OTEL_EXPORTER_OTLP_*
            });
    }

    /// <summary>The root span of one retrain (a Hangfire job has no request to hang it on).</summary>
    public static Activity? StartRetrain(int version, string? jobId)
    {
        var span = Source.StartActivity("retrain", ActivityKind.Internal, parentContext: default);
        span?.SetTag("model.version", version);
        span?.SetTag("hangfire.job_id", jobId);
        return span;
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");
}
