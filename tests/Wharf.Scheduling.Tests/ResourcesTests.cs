using Wharf.Domain.Agents;
using Wharf.Domain.Catalog;
using Wharf.Domain.Jobs;

namespace Wharf.Scheduling.Tests;

public class ResourcesTests
{
    [Fact]
    public void FromProduct_ConvertsCoresAndGiB_ToMillisAndMiB()
    {
        var product = new Product { Id = "u1-gpu", Category = "example-compute", Provider = "example", Cpu = 1.5, MemoryInGigs = 6, Gpu = 1 };

        Assert.Equal(new Resources(1500, 6144, 1, 0), Resources.FromProduct(product));
        Assert.Equal("example/example-compute/u1-gpu", ProductKey.Of(product));
        Assert.Equal("example/example-compute/u1-gpu", ProductKey.Of(new ProductReference("u1-gpu", "example-compute", "example")));
    }

    [Fact]
    public void FromNodeResources_ConvertsEveryDimension()
    {
        Assert.Equal(new Resources(64000, 262144, 4, 1024000), Resources.FromNodeResources(new NodeResources(64, 256, 4, 1000)));
    }

    [Theory]
    [InlineData(4000, 16384, 0, 0, "4 cpu, 16 GiB memory")]
    [InlineData(1500, 512, 1, 2048, "1.5 cpu, 512 MiB memory, 1 gpu, 2 GiB disk")]
    [InlineData(0, 0, 0, 0, "nothing")]
    public void ToString_ReadsLikeAPersonWouldWriteIt(long cpu, long mem, long gpu, long disk, string text)
    {
        Assert.Equal(text, new Resources(cpu, mem, gpu, disk).ToString());
    }

    [Fact]
    public void FitsIn_RequiresEveryDimension()
    {
        var free = new Resources(4000, 4096, 1, 0);

        Assert.True(new Resources(4000, 4096, 1, 0).FitsIn(free));
        Assert.False(new Resources(4001, 1, 0, 0).FitsIn(free));
        Assert.False(new Resources(1, 1, 0, 1).FitsIn(free));
    }
}
