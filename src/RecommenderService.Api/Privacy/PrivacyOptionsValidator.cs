using Microsoft.Extensions.Options;

namespace RecommenderService.Api.Privacy;

/// <summary>Refuses to start with a hash key that is too short to keep a dictionary from reversing the hashes.</summary>
public sealed class PrivacyOptionsValidator : IValidateOptions<PrivacyOptions>
{
    public ValidateOptionsResult Validate(string? name, PrivacyOptions options)
    {
        var keys = options.PreviousIdHashKeys.Prepend(options.IdHashKey).Where(k => k is not null);
        return keys.Any(k => k!.Length < PrivacyOptions.MinimumKeyLength)
            ? ValidateOptionsResult.Fail(
                $"Privacy:IdHashKey and Privacy:PreviousIdHashKeys must be at least {PrivacyOptions.MinimumKeyLength} characters long " +
                "(e.g. the output of `openssl rand -hex 32`).")
            : ValidateOptionsResult.Success;
    }
}
