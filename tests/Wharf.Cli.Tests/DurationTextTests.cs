namespace Wharf.Cli.Tests;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("1h", 3600)]
    [InlineData("90m", 5400)]
    [InlineData("1h30m", 5400)]
    [InlineData("45s", 45)]
    [InlineData("30d", 2_592_000)]
    [InlineData("1d2h3m4s", 93_784)]
    [InlineData(" 2h ", 7200)]
    public void Parse_ReadsUnitsInOrder(string text, long seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), DurationText.Parse(text, "--time"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("90")]
    [InlineData("1x")]
    [InlineData("30m1h")]
    [InlineData("-1h")]
    [InlineData("0s")]
    [InlineData("1.5h")]
    [InlineData("99999999999999999999h")]
    public void Parse_RefusesAnythingElse_AsAUsageError(string text)
    {
        var error = Assert.Throws<UsageException>(() => DurationText.Parse(text, "--time"));
        Assert.StartsWith("--time: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5400, "1h30m")]
    [InlineData(45, "45s")]
    [InlineData(93_784, "1d2h3m4s")]
    [InlineData(0, "0s")]
    public void Format_WritesWhatParseReads(long seconds, string text)
    {
        Assert.Equal(text, DurationText.Format(TimeSpan.FromSeconds(seconds)));
    }
}
