namespace RecommenderService.Api.Model.Experiments;

/// <summary>
/// The one reference through which requests read the running experiment (null: none), swapped whole like the model
/// (<see cref="RecommenderService.Api.Model.Loading.ModelHolder"/>): a request reads it once and is consistent.
/// </summary>
public sealed class ExperimentState
{
    private RunningExperiment? _current;

    public RunningExperiment? Current => Volatile.Read(ref _current);

    public void Set(RunningExperiment? experiment) => Volatile.Write(ref _current, experiment);
}
