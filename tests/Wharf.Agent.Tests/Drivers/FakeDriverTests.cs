using Wharf.Agent.Drivers;
using Wharf.Agent.Tests.Support;
using Wharf.Drivers.Fake;

namespace Wharf.Agent.Tests.Drivers;

/// <summary>The fake driver's own settings, beyond the conformance it shares with every driver.</summary>
public sealed class FakeDriverTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task Start_UsesDefaultRunTimeAndExitCode_WhenTaskConfigSaysNothing()
    {
        await using var driver = new FakeDriver(new FakeDriverOptions { DefaultRunFor = TimeSpan.FromMilliseconds(50), DefaultExitCode = 4 });

        var handle = await driver.StartAsync(Spec(), CancellationToken.None);
        var result = await driver.WaitAsync(handle, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(4, result.ExitCode);
        Assert.Equal(1, driver.StartCount);
    }

    [Fact]
    public async Task Start_AllocatesDifferentPortsForEachTask()
    {
        await using var driver = new FakeDriver();

        var first = await driver.StartAsync(Spec() with { Ports = ["http", "admin"] }, CancellationToken.None);
        var second = await driver.StartAsync(Spec() with { Ports = ["http"] }, CancellationToken.None);

        Assert.Equal(3, new[] { first.Ports["http"], first.Ports["admin"], second.Ports["http"] }.Distinct().Count());
    }

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("2s", 2000)]
    [InlineData("1m", 60000)]
    [InlineData("00:00:03", 3000)]
    public void ParseDuration_ReadsCommonForms(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), FakeDriver.ParseDuration(text));

    private TaskSpec Spec() => new()
    {
        JobId = Guid.NewGuid().ToString("N")[..8],
        Command = ["anything"],
        WorkingDirectory = _directory.Combine("work"),
        LogDirectory = _directory.Combine("logs"),
    };

    public void Dispose() => _directory.Dispose();
}
