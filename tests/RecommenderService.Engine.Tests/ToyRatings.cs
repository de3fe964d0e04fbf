namespace RecommenderService.Engine.Tests;

/// <summary>
/// The seed's toy matrix: Alice and Bob love sci-fi and rate romance/family low, Carol and Dave the opposite,
/// Eve is mixed; some cells are missing on purpose (Alice's Inception, Bob's Notebook, Carol's Interstellar,
/// Dave's Inception, Eve's Matrix).
/// </summary>
internal static class ToyRatings
{
    public static readonly string[] Romance = ["Titanic", "The Notebook", "Moana"];
    public static readonly string[] SciFi = ["Inception", "The Matrix", "Interstellar"];

    public static RatingSet Build()
    {
        var b = new RatingSetBuilder();
        void Rate(string user, params (string Film, float Stars)[] ratings)
        {
            foreach (var (film, stars) in ratings) b.Add(user, film, stars);
        }
        Rate("Alice", ("Titanic", 1), ("The Notebook", 1), ("The Matrix", 5), ("Interstellar", 5));
        Rate("Bob", ("Titanic", 2), ("Moana", 1), ("Inception", 5), ("The Matrix", 5), ("Interstellar", 4));
        Rate("Carol", ("Titanic", 5), ("The Notebook", 5), ("Moana", 4), ("Inception", 1), ("The Matrix", 2));
        Rate("Dave", ("Titanic", 4), ("The Notebook", 5), ("Moana", 5), ("The Matrix", 1), ("Interstellar", 1));
        Rate("Eve", ("Titanic", 4), ("The Notebook", 2), ("Moana", 3), ("Inception", 4), ("Interstellar", 3));
        return b.Build();
    }
}
