using static TorchSharp.torch;

namespace Melm.Models.Checkpoints;

/// <summary>
/// One tensor a checkpoint file declares: its key, stored dtype and shape, and how to read it.
/// Keys and shapes are checked against the model before any data is read.
/// </summary>
/// <param name="Key">The state-dict key.</param>
/// <param name="File">The file that holds it, for messages.</param>
/// <param name="DType">The dtype as stored.</param>
/// <param name="Shape">The shape as stored.</param>
/// <param name="Read">Reads the data into a new CPU tensor of <paramref name="DType"/>; throws an InputException naming the file when it cannot.</param>
public sealed record CheckpointTensor(string Key, string File, ScalarType DType, long[] Shape, Func<Tensor> Read)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    public static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
