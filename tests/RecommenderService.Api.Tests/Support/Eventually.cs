using System.Diagnostics;

namespace RecommenderService.Api.Tests.Support;

/// <summary>
/// Waits for something another replica does in the background (a NOTIFY handled, a list recomputed):
/// polls until the condition holds or the deadline passes, and says which.
/// </summary>
public static class Eventually
{
    public static async Task<bool> TrueWithinAsync(TimeSpan deadline, Func<Task<bool>> condition, int pollMilliseconds = 25)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await condition()) return true;
            if (watch.Elapsed > deadline) return false;
            await Task.Delay(pollMilliseconds);
        }
    }

    public static Task<bool> TrueWithinAsync(TimeSpan deadline, Func<bool> condition) =>
        TrueWithinAsync(deadline, () => Task.FromResult(condition()));
}
