namespace RecommenderService.Api.Notifications;

/// <summary>
/// The one place that registers every NOTIFY handler: each <see cref="INotificationHandler"/> in this assembly,
/// found by type so that this folder need not know the features that handle notices, and the listener that feeds them.
/// </summary>
public static class NotificationRegistration
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        var handlers = typeof(INotificationHandler).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(INotificationHandler).IsAssignableFrom(type))
            .OrderBy(type => type.FullName, StringComparer.Ordinal);
        foreach (var handler in handlers)
            services.AddSingleton(typeof(INotificationHandler), handler);
        // One LISTEN connection per replica keeps every cache in step with writes made anywhere.
        services.AddHostedService<PostgresNotificationListener>();
        return services;
    }
}
