using Serilog;
using RecommenderService.Api;

// Bootstrap logger: start-up failures (bad configuration, database unreachable) are logged too.
Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateLogger();
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddApplicationServices();

    var app = builder.Build();
    app.UseApplicationPipeline();
    await app.PrepareDatabaseAsync();
    await app.RunAsync();
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    Log.Fatal(ex, "The service failed to start or stopped unexpectedly");
    throw;
}
finally
{
    await Log.CloseAndFlushAsync();
}

/// <summary>Entry point; public so WebApplicationFactory can find it.</summary>
public partial class Program;
