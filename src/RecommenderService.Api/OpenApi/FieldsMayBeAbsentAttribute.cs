namespace RecommenderService.Api.OpenApi;

/// <summary>
/// A response object whose fields are not all sent every time (a model version's metrics are <c>{}</c> until it
/// has been measured), so the document does not mark them required. Response objects are otherwise complete:
/// every field is always sent, <c>null</c> when it has no value.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class FieldsMayBeAbsentAttribute : Attribute;
