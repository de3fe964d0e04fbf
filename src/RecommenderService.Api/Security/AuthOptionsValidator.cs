using Microsoft.Extensions.Options;

namespace RecommenderService.Api.Security;

/// <summary>
/// Refuses to start without keys: an open service by accident is worse than one that does not start.
/// </summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    /// <summary>Shorter keys are guessable; the generated demo keys are far longer.</summary>
    public const int MinimumKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        if (options.Disabled) return ValidateOptionsResult.Success;

        var failures = new List<string>();
        var all = options.EffectiveClientKeys.Concat(options.EffectiveAdminKeys).ToList();
        if (all.Count == 0)
        {
            failures.Add("No API keys are configured. Set Auth:AdminKeys (and Auth:ClientKeys), e.g. the " +
                         "environment variables Auth__AdminKeys__0 and Auth__ClientKeys__0, or set Auth:Disabled=true " +
                         "explicitly for a local experiment.");
        }
        if (all.Any(k => k.Length < MinimumKeyLength))
            failures.Add($"Every API key must be at least {MinimumKeyLength} characters long.");
        if (options.EffectiveClientKeys.Intersect(options.EffectiveAdminKeys, StringComparer.Ordinal).Any())
            failures.Add("A key cannot be both a client key and an admin key.");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
