using Wharf.Server.Execution;
using Target = Wharf.Server.Execution.QueueMoves.Target;

namespace Wharf.Execution.Tests;

/// <summary>The position keys moves choose, and when they must renumber instead.</summary>
public sealed class QueuePositionTests
{
    [Fact]
    public void Front_GoesBelowTheSmallest_AndBack_AboveTheLargest()
    {
        var around = new QueueNeighbours("q", Current: 5000, Min: 1024, Max: 4096, null, null, null);

        Assert.Equal((1024 - QueueMoves.Spacing, false), QueueMoves.Position(Target.Front, around));
        Assert.Equal((4096 + QueueMoves.Spacing, false), QueueMoves.Position(Target.Back, around));
        Assert.Equal((5000, false), QueueMoves.Position(Target.Front, around with { Min = null, Max = null }));
    }

    [Fact]
    public void BeforeAndAfter_TakeTheMidpointOfTheGap_OrAWholeSpacingAtTheEnds()
    {
        var around = new QueueNeighbours("q", 9999, 0, 9000, Anchor: 2048, BeforeAnchor: 1024, AfterAnchor: 3072);

        Assert.Equal((1536, false), QueueMoves.Position(Target.Before, around));
        Assert.Equal((2560, false), QueueMoves.Position(Target.After, around));
        Assert.Equal((2048 - QueueMoves.Spacing, false), QueueMoves.Position(Target.Before, around with { BeforeAnchor = null }));
        Assert.Equal((2048 + QueueMoves.Spacing, false), QueueMoves.Position(Target.After, around with { AfterAnchor = null }));
    }

    [Theory]
    [InlineData(1024L, 1025L)]
    [InlineData(1024L, 1024L)]
    [InlineData(long.MinValue + 5, 0L)]
    [InlineData(0L, long.MaxValue - 5)]
    public void NoRoom_OrKeysNearTheEndsOfTheRange_CallForARenumbering(long before, long anchor)
    {
        var around = new QueueNeighbours("q", 0, before, anchor, Anchor: anchor, BeforeAnchor: before, AfterAnchor: null);

        Assert.True(QueueMoves.Position(Target.Before, around).Renumber);
    }
}
