using System.CommandLine;

namespace Wharf.Cli.Output;

/// <summary>The <c>-o table|json</c> option every listing has: a table for people, JSON in Wharf's wire shape for programs.</summary>
internal static class OutputFormat
{
    public const string Table = "table";
    public const string Json = "json";

    /// <summary>A new <c>--output</c>/<c>-o</c> option.</summary>
    public static Option<string> CreateOption()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "Output format: table or json",
            DefaultValueFactory = _ => Table,
            HelpName = "FORMAT",
        };
        option.AcceptOnlyFromAmong(Table, Json);
        return option;
    }

    /// <summary>True when the command was asked for JSON.</summary>
    public static bool IsJson(ParseResult parseResult, Option<string> option) =>
        string.Equals(parseResult.GetValue(option), Json, StringComparison.OrdinalIgnoreCase);
}
