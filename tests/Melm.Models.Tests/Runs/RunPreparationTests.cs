using System.Text.Json;
using Melm.Models.Runs;

namespace Melm.Models.Tests.Runs;

public sealed class RunPreparationTests
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    [Fact]
    public void DefaultCurvesLeaveTheJsonAsItWasSoRunIdsStayAndChosenOnesRoundTrip()
    {
        var plain = JsonSerializer.Serialize(new RunPreparation(), Json);
        var moved = JsonSerializer.Serialize(new RunPreparation { TensorBoardFolder = "/logs/run" }, Json);
        var off = JsonSerializer.Serialize(new RunPreparation { NoTensorBoard = true }, Json);

        Assert.Equal("""{"filter_tagger":null,"fine_tune":null,"cell":null,"code_mix":null,"stages":[]}""", plain);
        Assert.Equal("/logs/run", JsonSerializer.Deserialize<RunPreparation>(moved, Json)!.TensorBoardFolder);
        Assert.True(JsonSerializer.Deserialize<RunPreparation>(off, Json)!.NoTensorBoard);
        Assert.Null(JsonSerializer.Deserialize<RunPreparation>(plain, Json)!.NoTensorBoard);
    }
}
