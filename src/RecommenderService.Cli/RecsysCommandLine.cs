using System.Globalization;
using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary>
/// Dispatches <c>recsys COMMAND [flags]</c>. Exit codes: 0 success, 1 a file could not be read or written
/// (the message names the file, and the line for a bad line), 2 a bad command line.
/// </summary>
internal static class RecsysCommandLine
{
    public const int Success = 0;
    public const int FileError = 1;
    public const int UsageError = 2;

    public static readonly IReadOnlyList<ICommand> Commands =
    [
        new TrainCommand(), new PredictCommand(), new RecommendCommand(), new EvaluateCommand(), new IndexCommand(),
        new TuneCommand(), new GenerateCommand(), new CatalogueCommand(), new ReadCommand(), new SimulateCommand(),
    ];

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        if (args.Count == 0 || args[0] is "help" or "--help" or "-h")
        {
            if (args.Count > 1)
            {
                var named = Find(args[1]);
                if (named is null) return Usage(error, $"unknown command '{args[1]}'", null);
                output.WriteLine(named.Usage);
                return Success;
            }
            output.WriteLine(Overview());
            return args.Count == 0 ? UsageError : Success;
        }

        var command = Find(args[0]);
        if (command is null) return Usage(error, $"unknown command '{args[0]}'", null);
        var rest = args.Skip(1).ToArray();
        if (rest.Any(a => a is "--help" or "-h" or "help"))
        {
            output.WriteLine(command.Usage);
            return Success;
        }

        try
        {
            var parsed = CommandArguments.Parse(command.Name, rest, command.ValueFlags, command.Switches);
            return command.Execute(parsed, output);
        }
        catch (UsageException e)
        {
            return Usage(error, e.Message, command);
        }
        catch (RatingFileException e)
        {
            error.WriteLine($"recsys {command.Name}: {e.Message}");
            return FileError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            error.WriteLine($"recsys {command.Name}: {e.Message}");
            return FileError;
        }
    }

    private static ICommand? Find(string name) => Commands.FirstOrDefault(c => c.Name == name);

    private static int Usage(TextWriter error, string message, ICommand? command)
    {
        error.WriteLine($"recsys: {message}");
        error.WriteLine(command is null ? "Run 'recsys help' for the list of commands." : $"Run 'recsys {command.Name} --help' for its usage.");
        return UsageError;
    }

    private static string Overview()
    {
        var lines = new List<string>
        {
            "recsys - train, evaluate and use matrix-factorisation recommenders on rating files",
            "",
            "Usage: recsys COMMAND [flags]      recsys help COMMAND | recsys COMMAND --help",
            "",
            "Commands:",
        };
        lines.AddRange(Commands.Select(c => $"  {c.Name,-10} {c.Summary}"));
        lines.Add("");
        lines.Add("Rating files: u.data (TAB), ratings.dat ('::'), ratings.csv (header allowed) or user TAB item TAB rating [TAB timestamp];");
        lines.Add("the format is detected per file. Exit codes: 0 ok, 1 file error (file:line: reason), 2 bad command line.");
        return string.Join(Environment.NewLine, lines);
    }
}
