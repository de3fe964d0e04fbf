namespace RecommenderService.Api.Persistence.Entities;

/// <summary>Lifecycle states of a model version, as API.md names them.</summary>
public static class ModelStatus
{
    public const string Training = "training";
    public const string Active = "active";
    public const string Superseded = "superseded";
    public const string Rejected = "rejected";
    public const string Failed = "failed";
}
