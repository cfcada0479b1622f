using Melm.Models.CodeMix;

namespace Melm.Models.Tests.CodeMix;

public class NearestNeighboursTests
{
    [Fact]
    public void FindsTheHighestCosineNotTheShortestDistance()
    {
        // [10, 1] is far in Euclidean distance from [1, 0.1] but points the same way.
        var index = new NearestNeighbours([[0f, 1f], null, [10f, 1f], [0f, 0f], [1f, 1f]]);
        Assert.Equal(3, index.Count);
        var (best, similarity) = index.Nearest([1f, 0.1f])!.Value;
        Assert.Equal(2, best);
        Assert.Equal(1.0, similarity, 6);
    }

    [Fact]
    public void TiesGoToTheLowestIndexAndZeroQueriesHaveNoAnswer()
    {
        var index = new NearestNeighbours([[1f, 0f], [2f, 0f]]);
        Assert.Equal(0, index.Nearest([3f, 0f])!.Value.Index);
        Assert.Null(index.Nearest([0f, 0f]));
        Assert.Null(new NearestNeighbours([null]).Nearest([1f, 0f]));
    }
}
