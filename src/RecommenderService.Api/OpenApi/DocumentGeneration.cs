using System.Reflection;

namespace RecommenderService.Api.OpenApi;

/// <summary>
/// The build writes <c>docs/openapi.json</c> by running this host inside Microsoft's document tool
/// (dotnet-getdocument), which starts it with a server that listens nowhere and asks Swashbuckle for the document.
/// That must work on a machine without PostgreSQL: in that run the host gets a connection string it never opens,
/// skips migrations and Hangfire, and starts none of its background services. Every route is still mapped, so
/// the document is the one a real replica serves.
/// </summary>
public static class DocumentGeneration
{
    /// <summary>True inside dotnet-getdocument (its entry assembly is GetDocument.Insider).</summary>
    public static bool IsRunning { get; } = Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    /// <summary>Settings that let the host build and start without a database; real configuration is untouched otherwise.</summary>
    public static void UseNoDatabase(WebApplicationBuilder builder)
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Npgsql opens connections lazily; nothing in a document run asks for one.
            ["ConnectionStrings:Recommender"] = "Host=document-generation.invalid",
            ["Database:MigrateOnStartup"] = "false",
            ["Training:JobsEnabled"] = "false",
            ["Auth:Disabled"] = "true",
        });
    }

    /// <summary>Removes this service's background services (model loading, caches, NOTIFY listener, schedulers).</summary>
    public static void RemoveBackgroundServices(IServiceCollection services)
    {
        var own = typeof(DocumentGeneration).Assembly;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(IHostedService)) continue;
            var type = descriptor.ImplementationType ?? descriptor.ImplementationInstance?.GetType()
                       ?? descriptor.ImplementationFactory?.Method.DeclaringType;
            if (type?.Assembly == own) services.RemoveAt(i);
        }
    }
}
