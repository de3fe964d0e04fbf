using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

using Hangfire;
using Hangfire.PostgreSql;
using Npgsql;
using Prometheus;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

using RecommenderService.Api.Dashboard;
using RecommenderService.Api.Health;
using RecommenderService.Api.Infrastructure;
using RecommenderService.Api.Items;
using RecommenderService.Api.Items.Availability;
using RecommenderService.Api.Items.Erasure;
using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Model;
using RecommenderService.Api.Model.Experiments;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Model.Rollout;
using RecommenderService.Api.Model.Training;
using RecommenderService.Api.Model.Versions;
using RecommenderService.Api.Notifications;
using RecommenderService.Api.Observability;
using RecommenderService.Api.OpenApi;
using RecommenderService.Api.Outcomes;
using RecommenderService.Api.Outcomes.Figures;
using RecommenderService.Api.Persistence;
using RecommenderService.Api.Privacy;
using RecommenderService.Api.Ratings;
using RecommenderService.Api.Recommendations;
using RecommenderService.Api.Recommendations.Feeds;
using RecommenderService.Api.Recommendations.PopularItems;
using RecommenderService.Api.Recommendations.SimilarItems;
using RecommenderService.Api.Security;
using RecommenderService.Api.Users;
using RecommenderService.Api.Users.Erasure;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api;

/// <summary>Service registration and the request pipeline, so Program.cs reads as a table of contents.</summary>
public static class Extensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        if (DocumentGeneration.IsRunning) DocumentGeneration.UseNoDatabase(builder);
        builder.AddLogging();
        builder.AddObservability();
        builder.AddSettings();
        builder.AddPersistence();
        builder.AddSecurity();
        builder.AddUserTokens();
        builder.AddBrowserCors();
        builder.AddResponseCompressionAboveThreshold();
        builder.AddOpenApiDocument();
        builder.AddHealth();
        builder.AddPrivacy();
        builder.AddErasure();
        builder.AddServing();
        builder.AddModelLifecycle();
        builder.AddRatingIngest();
        builder.AddDashboard();
        builder.AddOutcomes();
        builder.AddExperiments();
        builder.Services.AddNotifications();
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemTypes.Fill);
        // Parameters that do not bind (count=abc), bodies of the wrong type: exceptions, so that
        // ProblemExceptionHandler answers them with the same problem shape as every other 400.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddOptions<LargeBodyOptions>().BindConfiguration(LargeBodyOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<LargeBodyGate>();
        if (DocumentGeneration.IsRunning) DocumentGeneration.RemoveBackgroundServices(builder.Services);
        return builder;
    }

    private static void AddLogging(this WebApplicationBuilder builder)
    {
        var readable = builder.Environment.IsDevelopment();
        // preserveStaticLogger: the static logger is only the start-up one, so several hosts in one
        // process (the integration tests) each get their own pipeline without fighting over it.
        builder.Services.AddSerilog((services, logger) =>
        {
            logger
                .MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                // Off: its only use here is the request scope, whose RequestPath would put user ids on every event
                // written during a request (the request log line and RequestId cover what it offered).
                .MinimumLevel.Override("Microsoft.AspNetCore.Hosting.Diagnostics", LevelAlias.Off)
                .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Hangfire", LogEventLevel.Information)
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext();
            if (readable)
                logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
            else
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
        }, preserveStaticLogger: true);
    }

    private static void AddSettings(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddOptions<RatingScaleOptions>().BindConfiguration(RatingScaleOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
    }

    private static void AddPersistence(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Recommender");
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                "ConnectionStrings:Recommender is not set (environment variable ConnectionStrings__Recommender), " +
                "e.g. \"Host=127.0.0.1;Port=5432;Database=recommender;Username=postgres\".");

        // One data source per process: EF and the bulk COPY paths share its connection pool.
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(AutoPrepare.Apply(connectionString)));
        builder.Services.AddDbContext<RecommenderDbContext>((services, options) =>
            options.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddSingleton<DatabaseMigrator>();
    }

    private static void AddSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddServiceMetrics<RateLimitMetrics>();
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddAuthentication(ApiKeyDefaults.Scheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.Scheme, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyDefaults.ClientPolicy, p => p.RequireRole(ApiKeyDefaults.ClientRole, ApiKeyDefaults.AdminRole))
            .AddPolicy(ApiKeyDefaults.AdminPolicy, p => p.RequireRole(ApiKeyDefaults.AdminRole))
            // Secure by default: a route that forgets to say who may call it needs a key.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyDefaults.Scheme).RequireAuthenticatedUser().Build());
        // The Hangfire dashboard validates an antiforgery token on every POST (its pages carry it) whenever
        // IAntiforgery is registered: a forged cross-site form cannot trigger or delete jobs. API routes bind
        // no forms, so they are not affected.
        builder.Services.AddAntiforgery();
        // The tokens are protected with the data-protection key ring; by default each process keeps its own (in
        // $HOME, or only in memory in a container), so a form rendered by one replica failed when the load balancer
        // sent its POST to another. The ring lives in PostgreSQL, shared by every replica and kept across restarts.
        builder.Services.AddDataProtection()
            .SetApplicationName("RecommenderService")
            .PersistKeysToDbContext<RecommenderDbContext>();
    }

    private static void AddServing(this WebApplicationBuilder builder)
    {
        builder.Services.AddServiceMetrics<ServingMetrics>();
        builder.Services.AddServiceMetrics<PopularityMetrics>();
        var services = builder.Services;
        services.AddOptions<ServingOptions>().BindConfiguration(ServingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<UserCacheOptions>().BindConfiguration(UserCacheOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PopularityOptions>().BindConfiguration(PopularityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ExplorationSettings>().BindConfiguration(ExplorationSettings.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ItemIndexSettings>().BindConfiguration(ItemIndexSettings.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<NewItems>();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // The catalogue's availability and erasures, read before the replica takes traffic (and before the model).
        services.AddSingleton<ItemAvailability>();
        services.AddHostedService(sp => sp.GetRequiredService<ItemAvailability>());
        services.AddSingleton<ErasedItems>();
        services.AddHostedService<ErasedItemsStartupLoader>();
        services.AddSingleton<ListableItems>();
        services.AddSingleton<ItemEraser>();

        services.AddSingleton<ModelHolder>();
        services.AddSingleton<ActiveModelLoader>();
        services.AddHostedService<ModelStartupLoader>();
        services.AddSingleton<ItemExternalIds>();
        services.AddSingleton<UserRatingsCache>();
        services.AddSingleton<IErasedRatingsListener>(sp => sp.GetRequiredService<UserRatingsCache>());
        services.AddSingleton<UserModelViews>();
        services.AddSingleton<ServingPlans>();
        services.Configure<OnlineLabelSets>(labels => (labels.Strategies, labels.Sources) = (ListKinds.Strategies, ListKinds.Sources));
        services.AddSingleton<ItemTitles>();
        services.AddSingleton<ItemCatalog>();
        services.AddSingleton<CatalogueAttributes>();
        services.AddSingleton<UserProfileStore>();
        services.AddSingleton<ServingModelSource>();
        services.AddSingleton<IItemChangeListener>(sp => sp.GetRequiredService<ServingModelSource>());
        services.AddSingleton<ItemStatsCompactor>();
        services.AddSingleton<ILikedThreshold, ConfiguredLikedThreshold>();
        services.AddSingleton<LikedCountThreshold>();
        services.AddSingleton<NewcomerListChoice>();
        services.AddSingleton<PopularityCache>();
        services.AddHostedService(sp => sp.GetRequiredService<PopularityCache>());
        services.AddSingleton<RecommendationService>();
        services.AddSingleton<ListReasons>();
        services.AddSingleton<SimilarityReasonsReader>();
        services.AddSingleton<PredictionService>();
        services.AddSingleton<SimilarItemsService>();
        services.AddSingleton<ItemAttributeIndex>();
        services.AddSingleton<PopularPages>();
        services.AddSingleton<PopularItemsFeed>();


        services.AddRateLimiter(limiter => ClientRateLimiter.Configure(limiter,
            builder.Configuration.GetSection(RateLimitOptions.SectionName).Get<RateLimitOptions>() ?? new RateLimitOptions()));
    }

    private static void AddModelLifecycle(this WebApplicationBuilder builder)
    {
        builder.Services.AddServiceMetrics<LifecycleMetrics>();
        var services = builder.Services;
        services.AddOptions<TrainingSettings>().BindConfiguration(TrainingSettings.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TrainingSettings>, TrainingSettingsValidator>();
        services.AddSingleton<RatingSnapshotReader>();
        services.AddSingleton<ModelVersionStore>();
        services.AddSingleton<TrainingLock>();
        services.AddSingleton<ModelRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelRefresher>());
        services.AddSingleton<ReplicaIdentity>();
        services.AddSingleton<ReplicaRegistry>();
        services.AddHostedService<ReplicaHeartbeat>();
        services.AddSingleton<ModelRollout>();

        var roles = ReplicaRoles.From(builder.Configuration);
        services.AddSingleton(roles);
        var settings = builder.Configuration.GetSection(TrainingSettings.SectionName).Get<TrainingSettings>() ?? new TrainingSettings();
        if (!settings.JobsEnabled) return;

        var connectionString = builder.Configuration.GetConnectionString("Recommender")!;
        services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(
                storage => storage.UseNpgsqlConnection(connectionString),
                new PostgreSqlStorageOptions
                {
                    SchemaName = "hangfire",
                    PrepareSchemaIfNecessary = true,
                    QueuePollInterval = TimeSpan.FromSeconds(settings.QueuePollSeconds),
                }));
        // Every replica with jobs can queue a retrain, report its state and show the job dashboard.
        services.AddSingleton<RetrainQueue>();
        services.AddSingleton<TrainingRecovery>();
        if (!roles.Trains) return;

        // Every trainer runs a server; the training lock, not the worker count, keeps trainings one at a time.
        services.AddHangfireServer(options =>
        {
            options.Queues = [RetrainJob.Queue, "default"];
            options.WorkerCount = 2;
            // Unique per host, also for several hosts in one process (the integration tests).
            options.ServerName = $"recommender-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        });
        // The job, its schedule and the watch for dead runs exist only where jobs run (and validate there).
        services.AddTransient<RetrainJob>();
        services.AddHostedService<TrainingRecoveryService>();
        services.AddHostedService<RetrainScheduler>();
    }

    private static void AddHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<ModelHealthCheck>("model", tags: ["ready"]);
    }

    /// <summary>The request pipeline and every route.</summary>
    public static WebApplication UseApplicationPipeline(this WebApplication app)
    {
        // First, so even an error answered by the handlers below carries the id.
        app.UseMiddleware<RequestId>();
        app.UseExceptionHandler();
        // Before the request log and the HTTP metrics: neither may take a made-up method name as a value.
        app.UseMiddleware<KnownHttpMethods>();
        app.UseStatusCodePages();
        app.UseSerilogRequestLogging(options =>
        {
            // The route template and a keyed user hash, never the path: paths carry user ids, which logs must not keep.
            options.MessageTemplate = "HTTP {RequestMethod} {RequestRoute} responded {StatusCode} in {Elapsed:0.0000} ms (request {RequestId})";
            options.GetMessageTemplateProperties = RequestLogFields.Properties;
            options.EnrichDiagnosticContext = RequestLogFields.AddUserKey;
            // The host's pipeline (JSON in production, configured levels), not the static start-up logger.
            options.Logger = app.Services.GetService<Serilog.ILogger>();
            // Probes hit these every few seconds; keep them out of the info log.
            options.GetLevel = (context, _, exception) =>
                exception is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
                : context.Request.Path.StartsWithSegments("/health") ? LogEventLevel.Verbose
                : LogEventLevel.Information;
        });

        app.UseResponseCompressionAboveThreshold();
        app.UseDashboardHeaders();
        // Before authentication: preflights carry no credentials, and error answers need CORS headers too.
        app.UseBrowserCors();

        app.UseSwagger();
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint("/swagger/v1/swagger.json", "Recommender Service v1");
            options.RoutePrefix = "swagger";
            options.EnablePersistAuthorization();
        });

        app.UseHttpMetrics(app.Services.GetRequiredService<MetricsRegistry>());
        app.UseAuthentication();
        app.UseMiddleware<RateLimitHeaders>();
        app.UseRateLimiter();
        app.UseAuthorization();
        // Last before the endpoints: binding refusals become their 400 here, where the route is still known.
        app.UseMiddleware<BadRequestBoundary>();
        app.UseMiddleware<DashboardJobIds>();
        app.UseMiddleware<RawPathCheck>();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponseWriter.WriteAsync })
            .AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponseWriter.WriteAsync })
            .AllowAnonymous();

        app.MapServiceMetrics();

        if (app.Services.GetService<RetrainQueue>() is not null)
        {
            // Admin only; browsers can sign in with Basic auth (any user name, an admin key as password).
            app.MapHangfireDashboard(ApiKeyDefaults.DashboardPath, new DashboardOptions
            {
                Authorization = [],
                AsyncAuthorization = [],
                DashboardTitle = "Recommender jobs",
                DisplayStorageConnectionString = false,
                IgnoreAntiforgeryToken = false,
            }).RequireAuthorization(ApiKeyDefaults.AdminPolicy);
        }

        app.MapModelEndpoints();
        app.MapRatingsEndpoints();
        app.MapUserEndpoints();
        app.MapUserProfileEndpoints();
        app.MapRecommendationEndpoints();
        app.MapPopularItemEndpoints();
        app.MapItemEndpoints();
        app.MapSimilarItemEndpoints();
        app.MapDashboard();
        app.MapOutcomeEndpoints();
        app.MapExperimentEndpoints();
        return app;
    }

    /// <summary>Migrates the schema before the first request is served.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStartup)
            await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(app.Lifetime.ApplicationStopping);
    }
}
