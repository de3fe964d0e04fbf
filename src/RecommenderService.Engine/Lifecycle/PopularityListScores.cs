namespace RecommenderService.Engine;

/// <summary>One popularity list judged on held-out users (<see cref="NewcomerJudging"/>).</summary>
public readonly record struct PopularityListScores(PopularityList List, ListMetrics Scores);
