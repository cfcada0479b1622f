namespace Melm.Models.CodeMix;

/// <summary>
/// Cosine nearest neighbour over a fixed set of candidates: rows normalised once into one matrix,
/// a query costs one pass of dot products. Candidates without a vector (or with a zero vector) are
/// never chosen. Ties go to the lowest index, so the answer does not depend on timing.
/// </summary>
public sealed class NearestNeighbours
{
    private readonly float[] _matrix;
    private readonly int[] _indices;
    private readonly int _dimension;

    public NearestNeighbours(IReadOnlyList<float[]?> candidates)
    {
        var usable = candidates.Select((v, i) => (Vector: v, Index: i)).Where(c => c.Vector is not null && Norm(c.Vector) > 0).ToArray();
        _dimension = usable.Length > 0 ? usable[0].Vector!.Length : 0;
        _matrix = new float[usable.Length * _dimension];
        _indices = new int[usable.Length];
        for (var row = 0; row < usable.Length; row++)
        {
            var vector = usable[row].Vector!;
            if (vector.Length != _dimension)
                throw new ArgumentException($"candidate {usable[row].Index} has {vector.Length} dimensions, others {_dimension}", nameof(candidates));
            var norm = Norm(vector);
            for (var d = 0; d < _dimension; d++)
                _matrix[row * _dimension + d] = (float)(vector[d] / norm);
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
        var best = -1;
        var bestDot = double.NegativeInfinity;
        for (var row = 0; row < _indices.Length; row++)
        {
            var dot = 0.0;
            var offset = row * _dimension;
            for (var d = 0; d < _dimension; d++)
                dot += (double)_matrix[offset + d] * query[d];
            if (dot > bestDot)
            {
                bestDot = dot;
                best = row;
            }
        }
        return (_indices[best], bestDot / norm);
    }

    private static double Norm(float[] vector)
    {
        var sum = 0.0;
        foreach (var value in vector)
            sum += (double)value * value;
        return Math.Sqrt(sum);
    }
}
