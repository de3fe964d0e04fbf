namespace RecommenderService.Engine;

/// <summary>The rating file layouts <see cref="RatingFileReader"/> recognises; detected from the first line.</summary>
public enum RatingFileFormat
{
    /// <summary><c>user TAB item TAB rating [TAB timestamp]</c>: MovieLens <c>u.data</c> and the service's plain format.</summary>
    Tab,

    /// <summary><c>user::item::rating::timestamp</c>: MovieLens <c>ratings.dat</c>.</summary>
    DoubleColon,

    /// <summary><c>user,item,rating[,timestamp]</c> with an optional header: MovieLens <c>ratings.csv</c>.</summary>
    Csv,
}
