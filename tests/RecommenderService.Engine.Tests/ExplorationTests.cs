namespace RecommenderService.Engine.Tests;

public sealed class ExplorationTests
{
    private static ScoredItem[] Ranked(int count, int first = 0) =>
        Enumerable.Range(first, count).Select(i => new ScoredItem(i, 100 - i)).ToArray();

    [Fact]
    public void Slots_are_never_in_the_first_three_positions_and_take_the_share_of_the_rest()
    {
        for (ulong user = 0; user < 200; user++)
        {
            var seed = Exploration.SeedFor($"user-{user}", 7);
            Assert.False(Exploration.IsSlot(0, 0.5, seed) || Exploration.IsSlot(1, 0.5, seed) || Exploration.IsSlot(2, 0.5, seed));
            // Of positions 4..1003, exactly a fifth are slots at share 0.2 (give or take the phase's one).
            var slots = Enumerable.Range(3, 1000).Count(p => Exploration.IsSlot(p, 0.2, seed));
            Assert.InRange(slots, 199, 201);
        }
        Assert.Equal(0, Exploration.SlotCount(100, 0, 42));
    }

    [Fact]
    public void Different_users_get_their_slots_at_different_positions_and_the_same_user_always_the_same()
    {
        var firstSlots = Enumerable.Range(0, 50)
            .Select(u => Enumerable.Range(0, 40).First(p => Exploration.IsSlot(p, 0.1, Exploration.SeedFor($"u{u}", 3))))
            .ToArray();

        Assert.True(firstSlots.Distinct().Count() >= 5, string.Join(",", firstSlots));
        Assert.Equal(Exploration.SeedFor("u1", 3), Exploration.SeedFor("u1", 3));
        Assert.NotEqual(Exploration.SeedFor("u1", 3), Exploration.SeedFor("u1", 4));
    }

    [Fact]
    public void New_items_fill_the_slots_best_first_marked_and_each_item_appears_once()
    {
        var seed = Exploration.SeedFor("alice", 1);
        var ranked = Ranked(30);
        // Item 1 is new and also ranked second; it keeps its ranked place and is not repeated in a slot.
        ScoredItem[] candidates = [new(1, 9), new(100, 8), new(101, 7), new(102, 6), new(103, 5)];

        var list = Exploration.Mix(ranked, candidates, 20, 0.25, seed);

        Assert.Equal(20, list.Length);
        Assert.Equal(list.Length, list.Select(e => e.Item).Distinct().Count());
        var slots = Enumerable.Range(0, 20).Where(p => Exploration.IsSlot(p, 0.25, seed)).ToArray();
        Assert.Equal(slots, Enumerable.Range(0, 20).Where(p => list[p].Exploration).ToArray());
        Assert.Equal(new[] { 100, 101, 102, 103 }.Take(slots.Length), slots.Select(p => list[p].Item));
        Assert.Equal(ranked.Select(r => r.Item).Take(20 - slots.Length), list.Where(e => !e.Exploration).Select(e => e.Item));
    }

    [Fact]
    public void A_deeper_list_holds_a_shallower_one_as_its_prefix_so_pages_concatenate()
    {
        var seed = Exploration.SeedFor("bob", 12);
        var candidates = Enumerable.Range(500, 40).Select(i => new ScoredItem(i, 1000 - i)).ToArray();

        var ten = Exploration.Mix(Ranked(10), candidates, 10, 0.2, seed);
        var thirty = Exploration.Mix(Ranked(30), candidates, 30, 0.2, seed);

        Assert.Equal(ten, thirty[..10]);
    }

    [Fact]
    public void Pages_concatenate_when_new_items_are_also_ranked_given_the_candidates_a_depth_needs()
    {
        // New items 2, 4 and 6 are ranked high anyway: a slot skips them, so a shallow list needs spare candidates.
        var seed = Exploration.SeedFor("carol", 5);
        var ranked = Ranked(40);
        var byAffinity = new[] { 2, 4, 6, 300, 301, 302, 303, 304, 305, 306 }.Select((i, r) => new ScoredItem(i, 50 - r)).ToArray();

        ExploredItem[] List(int depth) =>
            Exploration.Mix(ranked[..depth], byAffinity[..Math.Min(byAffinity.Length, Exploration.CandidateCount(depth, 0.3, seed))], depth, 0.3, seed);

        Assert.Equal(List(10), List(20)[..10]);
        Assert.Equal(List(20), List(30)[..20]);
    }

    [Fact]
    public void Without_new_items_or_with_a_zero_share_the_list_is_the_ranked_list()
    {
        var ranked = Ranked(12);
        Assert.Equal(ranked.Select(r => r.Item), Exploration.Mix(ranked, [], 12, 0.3, 9).Select(e => e.Item));
        Assert.DoesNotContain(Exploration.Mix(ranked, [new(77, 1)], 12, 0, 9), e => e.Exploration);
    }

    [Fact]
    public void A_new_item_given_twice_is_a_candidate_once_in_sorted_and_in_unsorted_input()
    {
        var model = TestData.RandomModel(3, 40, 4);
        var user = model.UserVector(1).ToArray();

        var sorted = Exploration.Candidates(model, user, model.UserBias[1], [], [3, 3, 9, 9, 17], [], 5);
        var unsorted = Exploration.Candidates(model, user, model.UserBias[1], [], [17, 3, 9, 3, 17], [], 5);

        Assert.Equal(3, sorted.Length);
        Assert.Equal(sorted.Select(s => s.Item), unsorted.Select(s => s.Item));
    }

    [Fact]
    public void Candidates_are_the_users_best_new_items_without_the_excluded_ones()
    {
        var model = TestData.RandomModel(3, 40, 4);
        int[] newItems = [3, 9, 17, 25, 31, 38];
        var user = model.UserVector(1).ToArray();

        var top = Exploration.Candidates(model, user, model.UserBias[1], [], newItems, [17], 3);

        var expected = newItems.Where(i => i != 17).OrderByDescending(i => model.Score(user, model.UserBias[1], i)).Take(3);
        Assert.Equal(expected, top.Select(t => t.Item));
    }

    [Fact]
    public void Settings_out_of_range_are_refused_and_new_means_few_ratings_and_recent()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExplorationOptions { Share = 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExplorationOptions { Share = -0.1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExplorationOptions { MaxRatings = -1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExplorationOptions { MaxAgeDays = double.NaN }.Validate());
        var options = new ExplorationOptions { MaxRatings = 5, MaxAgeDays = 30 };
        Assert.True(options.IsNew(0, 0));
        Assert.True(options.IsNew(5, 30));
        Assert.False(options.IsNew(6, 1));
        Assert.False(options.IsNew(0, 31));
    }
}
