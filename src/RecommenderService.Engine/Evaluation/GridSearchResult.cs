namespace RecommenderService.Engine;

/// <summary>One grid point's cross-validated RMSE: mean and standard deviation over folds, and each fold's value.</summary>
public sealed record GridSearchResult(TrainingOptions Options, double MeanRmse, double StdRmse, IReadOnlyList<double> FoldRmse, double Seconds);
