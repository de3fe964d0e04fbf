namespace RecommenderService.Api.Users.Erasure;

/// <summary>Registers erasure tracking; before serving, so its start-up read precedes the model's.</summary>
public static class ErasureRegistration
{
    public static WebApplicationBuilder AddErasure(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ErasedUsers>();
        builder.Services.AddSingleton<UserEraser>();
        builder.Services.AddHostedService<ErasureStartupLoader>();
        return builder;
    }
}
