using TorchSharp;
using TorchSharp.Modules;
using static Melm.Models.Nn.KeptScalars;
using static TorchSharp.torch;

namespace Melm.Models.Tagging;

/// <summary>
/// A linear-chain CRF over word-level emission scores: log-space forward algorithm for the
/// log-likelihood and Viterbi decoding. Transitions that would make an invalid sequence for the tag
/// scheme (an I-X after O in IOB2, say) get a fixed large penalty, so neither training nor decoding
/// can use them. Parameter names follow pytorch-crf: transitions, start_transitions, end_transitions.
/// </summary>
public sealed class LinearChainCrf : nn.Module
{
    /// <summary>Added to a forbidden transition's score: far below any learnt score, yet finite so sums stay exact.</summary>
    public const float ForbiddenScore = -10_000f;

    private readonly Parameter transitions;
    private readonly Parameter start_transitions;
    private readonly Parameter end_transitions;
    private readonly float[] _transitionPenalty;
    private readonly float[] _startPenalty;
    private readonly float[] _endPenalty;

    /// <param name="allowed">allowed[i, j]: tag j may follow tag i.</param>
    /// <param name="allowedStart">Tags a sentence may start with.</param>
    /// <param name="allowedEnd">Tags a sentence may end with.</param>
    public LinearChainCrf(bool[,] allowed, bool[] allowedStart, bool[] allowedEnd)
        : base(nameof(LinearChainCrf))
    {
        var n = allowedStart.Length;
        if (allowed.GetLength(0) != n || allowed.GetLength(1) != n || allowedEnd.Length != n)
            throw new ArgumentException("The constraint tables must all be over the same tags.");
        TagCount = n;
        transitions = nn.Parameter(zeros(n, n));
        start_transitions = nn.Parameter(zeros(n));
        end_transitions = nn.Parameter(zeros(n));
        _transitionPenalty = new float[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
                _transitionPenalty[i * n + j] = allowed[i, j] ? 0f : ForbiddenScore;
        }
        _startPenalty = allowedStart.Select(a => a ? 0f : ForbiddenScore).ToArray();
        _endPenalty = allowedEnd.Select(a => a ? 0f : ForbiddenScore).ToArray();
        RegisterComponents();
    }

    public int TagCount { get; }

    /// <summary>
    /// log p(tags | emissions) per sentence. <paramref name="emissions"/> [B, L, T]; <paramref name="tags"/>
    /// [B, L] (int64; positions past a sentence's length are ignored); <paramref name="lengths"/> [B], each at least 1.
    /// </summary>
    public Tensor LogLikelihood(Tensor emissions, Tensor tags, Tensor lengths)
    {
        using var scope = NewDisposeScope();
        var (trans, start, end) = Scores();
        var length = emissions.shape[1];
        var positions = arange(length, device: emissions.device).unsqueeze(0);
        var mask = positions.lt(lengths.unsqueeze(1)); // [B, L]

        // Score of the given path.
        var emitted = emissions.gather(2, tags.unsqueeze(2)).squeeze(2); // [B, L]
        var score = Plus(start.index_select(0, tags[.., 0]), (emitted * mask).sum(1));
        if (length > 1)
        {
            var pair = trans[tags[.., ..^1], tags[.., 1..]]; // [B, L-1]
            score = Plus(score, (pair * mask[.., 1..]).sum(1));
        }
        var lastTag = tags.gather(1, MinusOne(lengths).unsqueeze(1)).squeeze(1);
        score = Plus(score, end.index_select(0, lastTag));

        // Log partition by the forward algorithm.
        var alpha = Plus(start.unsqueeze(0), emissions[.., 0]); // [B, T]
        for (var t = 1; t < length; t++)
        {
            var next = Plus(Plus(alpha.unsqueeze(2), trans.unsqueeze(0)), emissions[.., t].unsqueeze(1)).logsumexp(1);
            alpha = where(mask[.., t].unsqueeze(1), next, alpha);
        }
        var logZ = Plus(alpha, end.unsqueeze(0)).logsumexp(1);
        return score.sub(logZ).MoveToOuterDisposeScope();
    }

    /// <summary>The highest-scoring tag sequence of each sentence, of its own length.</summary>
    public IReadOnlyList<int[]> Decode(Tensor emissions, IReadOnlyList<int> lengths)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (trans, start, end) = Scores();
        var em = emissions.to(ScalarType.Float32).cpu();
        var tr = trans.to(ScalarType.Float32).cpu();
        var batch = (int)em.shape[0];
        var tagCount = TagCount;
        var transData = tr.data<float>().ToArray();
        var startData = start.to(ScalarType.Float32).cpu().data<float>().ToArray();
        var endData = end.to(ScalarType.Float32).cpu().data<float>().ToArray();
        var result = new int[batch][];
        for (var b = 0; b < batch; b++)
        {
            var n = lengths[b];
            var e = em[b, ..n].contiguous().data<float>().ToArray();
            var best = new float[tagCount];
            var back = new int[n, tagCount];
            for (var j = 0; j < tagCount; j++)
                best[j] = startData[j] + e[j];
            var next = new float[tagCount];
            for (var t = 1; t < n; t++)
            {
                for (var j = 0; j < tagCount; j++)
                {
                    var arg = 0;
                    var max = float.NegativeInfinity;
                    for (var i = 0; i < tagCount; i++)
                    {
                        var s = best[i] + transData[i * tagCount + j];
                        if (s > max)
                        {
                            max = s;
                            arg = i;
                        }
                    }
                    next[j] = max + e[t * tagCount + j];
                    back[t, j] = arg;
                }
                (best, next) = (next, best);
            }
            var last = 0;
            for (var j = 1; j < tagCount; j++)
            {
                if (best[j] + endData[j] > best[last] + endData[last])
                    last = j;
            }
            var path = new int[n];
            path[n - 1] = last;
            for (var t = n - 1; t > 0; t--)
                path[t - 1] = back[t, path[t]];
            result[b] = path;
        }
        return result;
    }

    /// <summary>The learnt scores with the scheme's penalties added (on the parameters' device and type).</summary>
    private (Tensor Transitions, Tensor Start, Tensor End) Scores()
    {
        var n = TagCount;
        Tensor Penalty(float[] values, params long[] shape) =>
            tensor(values, shape, dtype: ScalarType.Float32, device: transitions.device).to(transitions.dtype);
        return (Plus(transitions, Penalty(_transitionPenalty, n, n)),
            Plus(start_transitions, Penalty(_startPenalty, n)),
            Plus(end_transitions, Penalty(_endPenalty, n)));
    }
}
