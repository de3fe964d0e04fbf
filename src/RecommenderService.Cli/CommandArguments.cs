using System.Globalization;

namespace RecommenderService.Cli;

/// <summary>
/// The flags of one command: <c>--name value</c>, <c>--name=value</c> or a bare <c>--switch</c>, checked against
/// the flags the command declares. Values parse with the invariant culture.
/// </summary>
internal sealed class CommandArguments
{
    private readonly string _command;
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _switches = new(StringComparer.Ordinal);

    private CommandArguments(string command) => _command = command;

    public static CommandArguments Parse(string command, IReadOnlyList<string> args, IReadOnlySet<string> valueFlags, IReadOnlySet<string> switchFlags)
    {
        var parsed = new CommandArguments(command);
        for (var k = 0; k < args.Count; k++)
        {
            var arg = args[k];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                throw new UsageException($"unexpected argument '{arg}'", command);
            var name = arg[2..];
            string? inline = null;
            var eq = name.IndexOf('=');
            if (eq >= 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }
            if (switchFlags.Contains(name))
            {
                if (inline is not null) throw new UsageException($"--{name} takes no value", command);
                parsed._switches.Add(name);
            }
            else if (valueFlags.Contains(name))
            {
                var value = inline ?? (k + 1 < args.Count ? args[++k] : throw new UsageException($"--{name} needs a value", command));
                if (!parsed._values.TryAdd(name, value)) throw new UsageException($"--{name} given twice", command);
            }
            else
            {
                throw new UsageException($"unknown flag --{name} for '{command}'", command);
            }
        }
        return parsed;
    }

    public bool Has(string name) => _values.ContainsKey(name) || _switches.Contains(name);

    public bool Switch(string name) => _switches.Contains(name);

    public string? String(string name) => _values.GetValueOrDefault(name);

    public string Required(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new UsageException($"missing --{name}", _command);

    public int? Int(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!_values.TryGetValue(name, out var text)) return null;
        return ParseInt(name, text, min, max);
    }

    public long? Long(string name, long min = long.MinValue)
    {
        if (!_values.TryGetValue(name, out var text)) return null;
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
            throw new UsageException($"--{name}: '{text}' is not an integer >= {min}", _command);
        return value;
    }

    public double? Double(string name, double min, double max, bool minExclusive = false)
    {
        if (!_values.TryGetValue(name, out var text)) return null;
        return ParseDouble(name, text, min, max, minExclusive);
    }

    /// <summary>A comma-separated list, e.g. <c>--factors 20,50,100</c>.</summary>
    public int[]? IntList(string name, int min, int max) =>
        _values.TryGetValue(name, out var text) ? Split(name, text).Select(t => ParseInt(name, t, min, max)).ToArray() : null;

    public double[]? DoubleList(string name, double min, double max, bool minExclusive = false) =>
        _values.TryGetValue(name, out var text) ? Split(name, text).Select(t => ParseDouble(name, t, min, max, minExclusive)).ToArray() : null;

    private string[] Split(string name, string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Any(p => p.Length == 0)) throw new UsageException($"--{name}: empty element in '{text}'", _command);
        return parts;
    }

    private int ParseInt(string name, string text, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new UsageException($"--{name}: '{text}' is not an integer in [{min}, {max}]", _command);
        return value;
    }

    private double ParseDouble(string name, string text, double min, double max, bool minExclusive)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value)
            || value < min || value > max || (minExclusive && value == min))
        {
            var range = (minExclusive ? "(" : "[") + min.ToString(CultureInfo.InvariantCulture) + ", " + max.ToString(CultureInfo.InvariantCulture) + "]";
            throw new UsageException($"--{name}: '{text}' is not a number in {range}", _command);
        }
        return value;
    }
}
