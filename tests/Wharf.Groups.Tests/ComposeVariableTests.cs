namespace Wharf.Groups.Tests;

public class ComposeVariableTests
{
    private const string Echo = "services:\n  web:\n    command: [echo, \"{0}\"]\n";

    private static string Run(string argument, string? env = null, Dictionary<string, string>? values = null) =>
        Read.Compose(string.Format(System.Globalization.CultureInfo.InvariantCulture, Echo, argument), env, values)
            .Components[0].Definition!.Command[1];

    [Theory]
    [InlineData("${A}", "a")]
    [InlineData("$A-x", "a-x")]
    [InlineData("${MISSING:-dflt}", "dflt")]
    [InlineData("${EMPTY:-dflt}", "dflt")]
    [InlineData("${EMPTY-dflt}", "")]
    [InlineData("${MISSING-dflt}", "dflt")]
    [InlineData("${A:+other}", "other")]
    [InlineData("${MISSING:+other}", "")]
    [InlineData("${MISSING:-${A}}", "a")]
    [InlineData("cost $$5", "cost $5")]
    [InlineData("${A}${A}", "aa")]
    [InlineData("--port=$(WHARF_PORT_P80)", "--port=$(WHARF_PORT_P80)")]
    public void Substitutes(string argument, string expected)
    {
        Assert.Equal(expected, Run(argument, "A=a\nEMPTY=\n"));
    }

    [Fact]
    public void UnsetVariable_BecomesEmpty_WithAWarning()
    {
        var manifest = Read.Compose(string.Format(System.Globalization.CultureInfo.InvariantCulture, Echo, "x${NOPE}y"));
        Assert.Equal("xy", manifest.Components[0].Definition!.Command[1]);
        var warning = Assert.Single(manifest.Warnings);
        Assert.Equal("services.web.command[1]", warning.Field);
        Assert.Equal("unset_variable", warning.Code);
        Assert.Equal(3, warning.Line);
    }

    [Fact]
    public void RequiredVariable_Unset_IsAFaultWithItsMessage()
    {
        var fault = Read.Single(Read.ComposeFaults(string.Format(System.Globalization.CultureInfo.InvariantCulture, Echo, "${DB_PASSWORD:?set the password}")), "services.web.command[1]");
        Assert.Equal("required_variable", fault.Code);
        Assert.Contains("set the password", fault.Message, StringComparison.Ordinal);
        Assert.Equal(3, fault.Line);
    }

    [Fact]
    public void LoneDollar_IsAFault()
    {
        Assert.Equal("invalid_interpolation", Read.Single(Read.ComposeFaults(string.Format(System.Globalization.CultureInfo.InvariantCulture, Echo, "$1")), "services.web.command[1]").Code);
    }

    [Fact]
    public void EnvText_Comments_Export_Quotes_AndEarlierVariables()
    {
        const string env = "# settings\nexport A=1\nB='lit $A'\nC=\"q ${A}\\n\"\nD=bare # comment\n\nE=${A}2\n";
        Assert.Equal("1|lit $A|q 1\n|bare|12", Run("${A}|${B}|${C}|${D}|${E}", env));
    }

    [Fact]
    public void EnvValues_WinOverEnvText()
    {
        Assert.Equal("from-values", Run("${A}", "A=from-text\n", new() { ["A"] = "from-values" }));
    }

    [Fact]
    public void EnvValues_Alone_Work()
    {
        Assert.Equal("v", Run("${A}", null, new() { ["A"] = "v" }));
    }

    [Fact]
    public void BadEnvLine_IsAFaultNamingTheEnvLine()
    {
        var fault = Read.Single(Read.ComposeFaults(string.Format(System.Globalization.CultureInfo.InvariantCulture, Echo, "x"), "A=1\nnot a line\n"), "env");
        Assert.Contains("line 2 of the .env text", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Substitution_IsOnValuesAfterParsing_SoAValueCannotBreakTheYaml()
    {
        Assert.Equal("a: b\n- c", Run("${V}", null, new() { ["V"] = "a: b\n- c" }));
    }

    [Fact]
    public void Substitution_ReachesNumbersGivenAsText()
    {
        var component = Read.Compose("services:\n  web:\n    command: [run]\n    deploy:\n      replicas: ${N:-3}\n").Components[0];
        Assert.Equal(3, component.Replicas);
    }

    [Fact]
    public void Environment_MapAndList_WithValuesFromEnv()
    {
        const string yaml = "services:\n  web:\n    command: [run]\n    environment:\n      A: 1\n      B: ${X}\n      C: true\n      FROM_ENV:\n  job:\n    command: [run]\n    environment: [\"K=V=W\", FROM_ENV, \"EMPTY=\"]\n";
        var manifest = Read.Compose(yaml, "X=x\nFROM_ENV=e\n");
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "x", ["C"] = "true", ["FROM_ENV"] = "e" }, manifest.Components[0].Definition!.Environment);
        Assert.Equal(new Dictionary<string, string> { ["K"] = "V=W", ["FROM_ENV"] = "e", ["EMPTY"] = "" }, manifest.Components[1].Definition!.Environment);
    }

    [Fact]
    public void Environment_BadName_IsAFault()
    {
        Assert.Equal("invalid_name", Read.Single(Read.ComposeFaults("services:\n  web:\n    command: [run]\n    environment:\n      1BAD: x\n"), "services.web.environment.1BAD").Code);
    }
}
