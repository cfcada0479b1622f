using System.Runtime.Intrinsics;

namespace Melm.Models.CodeMix;

/// <summary>
/// Cosine nearest neighbour over a fixed set of candidates: rows normalised once into one matrix,
/// a query costs one pass of dot products. Candidates without a vector (or with a zero vector) are
/// never chosen. Ties go to the lowest index. Dot products run in 8-float lanes summed in a fixed
/// order (Vector256 gives the same bits with or without AVX), so the answer is the same on every machine.
/// </summary>
public sealed class NearestNeighbours
{
    private const int Lanes = 8;

    private readonly float[] _matrix;
    private readonly int[] _indices;
    private readonly int _dimension;
    private readonly int _stride;

    public NearestNeighbours(IReadOnlyList<float[]?> candidates)
    {
        var usable = candidates.Select((v, i) => (Vector: v, Index: i)).Where(c => c.Vector is not null && Norm(c.Vector) > 0).ToArray();
        _dimension = usable.Length > 0 ? usable[0].Vector!.Length : 0;
        _stride = (_dimension + Lanes - 1) / Lanes * Lanes;
        _matrix = new float[usable.Length * _stride];
        _indices = new int[usable.Length];
        for (var row = 0; row < usable.Length; row++)
        {
            var vector = usable[row].Vector!;
            if (vector.Length != _dimension)
                throw new ArgumentException($"candidate {usable[row].Index} has {vector.Length} dimensions, others {_dimension}", nameof(candidates));
            var norm = Norm(vector);
            for (var d = 0; d < _dimension; d++)
                _matrix[row * _stride + d] = (float)(vector[d] / norm);
            _indices[row] = usable[row].Index;
        }
    }

    /// <summary>How many candidates have a usable vector.</summary>
    public int Count => _indices.Length;

    /// <summary>The candidate most similar to <paramref name="query"/> and the cosine; null when the query is zero or no candidate is usable.</summary>
    public (int Index, double Similarity)? Nearest(float[] query)
    {
        var norm = Norm(query);
        if (norm == 0 || Count == 0)
            return null;
        if (query.Length != _dimension)
            throw new ArgumentException($"query has {query.Length} dimensions, candidates {_dimension}", nameof(query));
        var padded = new float[_stride];
        for (var d = 0; d < _dimension; d++)
            padded[d] = (float)(query[d] / norm);
        var best = -1;
        var bestDot = float.NegativeInfinity;
        for (var row = 0; row < _indices.Length; row++)
        {
            var dot = Dot(_matrix.AsSpan(row * _stride, _stride), padded);
            if (dot > bestDot)
            {
                bestDot = dot;
                best = row;
            }
        }
        return (_indices[best], Math.Clamp(bestDot, -1.0, 1.0));
    }

    private static float Dot(ReadOnlySpan<float> row, ReadOnlySpan<float> query)
    {
        var sum = Vector256<float>.Zero;
        for (var d = 0; d < row.Length; d += Lanes)
            sum += Vector256.Create(row.Slice(d, Lanes)) * Vector256.Create(query.Slice(d, Lanes));
        var total = 0f;
        for (var lane = 0; lane < Lanes; lane++)
            total += sum.GetElement(lane);
        return total;
    }

    private static double Norm(float[] vector)
    {
        var sum = 0.0;
        foreach (var value in vector)
            sum += (double)value * value;
        return Math.Sqrt(sum);
    }
}
