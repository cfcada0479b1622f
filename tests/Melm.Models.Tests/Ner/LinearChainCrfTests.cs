using Melm.Models.Randomness;
using TorchSharp;
using Melm.Models.Tagging;
using static TorchSharp.torch;

namespace Melm.Models.Tests.Ner;

public class LinearChainCrfTests
{
    private sealed record Case(LinearChainCrf Crf, double[,,] Emissions, int[] Lengths, long[,] Tags, double[,] Trans, double[] Start, double[] End);

    /// <summary>A random CRF with random constraints, parameters, emissions, gold tags and lengths.</summary>
    private static Case RandomCase(StableRandom rng, int tagCount, int batch, int maxLength)
    {
        var allowed = new bool[tagCount, tagCount];
        for (var i = 0; i < tagCount; i++)
            for (var j = 0; j < tagCount; j++)
                allowed[i, j] = rng.NextInt(4) != 0;
        var allowedStart = Enumerable.Range(0, tagCount).Select(_ => rng.NextInt(4) != 0).ToArray();
        var allowedEnd = Enumerable.Range(0, tagCount).Select(_ => rng.NextInt(4) != 0).ToArray();
        var crf = new LinearChainCrf(allowed, allowedStart, allowedEnd);
        crf.to(ScalarType.Float64);
        var trans = new double[tagCount, tagCount];
        var start = new double[tagCount];
        var end = new double[tagCount];
        for (var i = 0; i < tagCount; i++)
        {
            start[i] = rng.NextGaussian(0, 1);
            end[i] = rng.NextGaussian(0, 1);
            for (var j = 0; j < tagCount; j++)
                trans[i, j] = rng.NextGaussian(0, 1);
        }
        using (no_grad())
        {
            var p = crf.named_parameters().ToDictionary(x => x.name, x => x.parameter);
            p["transitions"].copy_(tensor(trans.Cast<double>().ToArray(), tagCount, tagCount));
            p["start_transitions"].copy_(tensor(start));
            p["end_transitions"].copy_(tensor(end));
        }
        // Penalised scores, as the brute force sees them.
        for (var i = 0; i < tagCount; i++)
        {
            start[i] += allowedStart[i] ? 0 : LinearChainCrf.ForbiddenScore;
            end[i] += allowedEnd[i] ? 0 : LinearChainCrf.ForbiddenScore;
            for (var j = 0; j < tagCount; j++)
                trans[i, j] += allowed[i, j] ? 0 : LinearChainCrf.ForbiddenScore;
        }
        var emissions = new double[batch, maxLength, tagCount];
        var tags = new long[batch, maxLength];
        var lengths = new int[batch];
        for (var b = 0; b < batch; b++)
        {
            lengths[b] = 1 + rng.NextInt(maxLength);
            for (var t = 0; t < maxLength; t++)
            {
                tags[b, t] = rng.NextInt(tagCount);
                for (var k = 0; k < tagCount; k++)
                    emissions[b, t, k] = rng.NextGaussian(0, 2);
            }
        }
        return new Case(crf, emissions, lengths, tags, trans, start, end);
    }

    private static IEnumerable<int[]> AllPaths(int tagCount, int length)
    {
        var path = new int[length];
        var total = (int)Math.Pow(tagCount, length);
        for (var code = 0; code < total; code++)
        {
            var c = code;
            for (var t = 0; t < length; t++)
            {
                path[t] = c % tagCount;
                c /= tagCount;
            }
            yield return path;
        }
    }

    private static double PathScore(Case c, int b, int[] path)
    {
        var s = c.Start[path[0]] + c.End[path[^1]];
        for (var t = 0; t < path.Length; t++)
        {
            s += c.Emissions[b, t, path[t]];
            if (t > 0)
                s += c.Trans[path[t - 1], path[t]];
        }
        return s;
    }

    private static Tensor Emissions(Case c) => tensor(c.Emissions.Cast<double>().ToArray(), c.Emissions.GetLength(0), c.Emissions.GetLength(1), c.Emissions.GetLength(2));

    private static Tensor Tags(Case c) => tensor(c.Tags.Cast<long>().ToArray(), c.Tags.GetLength(0), c.Tags.GetLength(1));

    [Fact]
    public void LogLikelihoodEqualsBruteForceEnumeration()
    {
        var rng = new StableRandom(21);
        for (var trial = 0; trial < 20; trial++)
        {
            var c = RandomCase(rng, tagCount: 2 + rng.NextInt(3), batch: 3, maxLength: 4);
            using var ll = c.Crf.LogLikelihood(Emissions(c), Tags(c), tensor(c.Lengths.Select(l => (long)l).ToArray()));
            var got = ll.data<double>().ToArray();
            for (var b = 0; b < 3; b++)
            {
                var scores = AllPaths(c.Crf.TagCount, c.Lengths[b]).Select(p => PathScore(c, b, p)).ToArray();
                var max = scores.Max();
                var logZ = max + Math.Log(scores.Sum(s => Math.Exp(s - max)));
                var gold = Enumerable.Range(0, c.Lengths[b]).Select(t => (int)c.Tags[b, t]).ToArray();
                Assert.Equal(PathScore(c, b, gold) - logZ, got[b], 6);
            }
        }
    }

    [Fact]
    public void ViterbiFindsTheBruteForceArgmax()
    {
        var rng = new StableRandom(22);
        for (var trial = 0; trial < 20; trial++)
        {
            var c = RandomCase(rng, tagCount: 2 + rng.NextInt(3), batch: 3, maxLength: 5);
            var decoded = c.Crf.Decode(Emissions(c), c.Lengths);
            for (var b = 0; b < 3; b++)
            {
                var best = AllPaths(c.Crf.TagCount, c.Lengths[b]).Select(p => PathScore(c, b, p.ToArray())).Max();
                Assert.Equal(best, PathScore(c, b, decoded[b]), 4);
            }
        }
    }

    [Fact]
    public void GradientMatchesFiniteDifferences()
    {
        var rng = new StableRandom(23);
        var c = RandomCase(rng, tagCount: 3, batch: 2, maxLength: 4);
        var emissions = Emissions(c).requires_grad_(true);
        var tags = Tags(c);
        var lengths = tensor(c.Lengths.Select(l => (long)l).ToArray());
        var loss = -c.Crf.LogLikelihood(emissions, tags, lengths).sum();
        loss.backward();
        var trans = c.Crf.named_parameters().Single(p => p.name == "transitions").parameter;
        var analyticTrans = trans.grad!.data<double>().ToArray();
        var analyticEm = emissions.grad!.data<double>().ToArray();

        double Loss() => -c.Crf.LogLikelihood(emissions, tags, lengths).sum().item<double>();
        const double h = 1e-6;
        using (no_grad())
        {
            for (var k = 0; k < 9; k++)
            {
                var flat = trans.view(-1);
                var old = flat[k].item<double>();
                flat[k] = old + h;
                var up = Loss();
                flat[k] = old - h;
                var down = Loss();
                flat[k] = old;
                Assert.Equal((up - down) / (2 * h), analyticTrans[k], 5);
            }
            var em = emissions.view(-1);
            for (var k = 0; k < em.shape[0]; k += 5)
            {
                var old = em[k].item<double>();
                em[k] = old + h;
                var up = Loss();
                em[k] = old - h;
                var down = Loss();
                em[k] = old;
                Assert.Equal((up - down) / (2 * h), analyticEm[k], 5);
            }
        }
    }

    [Fact]
    public void ForbiddenTransitionsAreNeverDecoded()
    {
        // Tags O, B-X, I-X: I-X may follow only B-X or I-X, and may not start a sentence.
        var allowed = new bool[3, 3] { { true, true, false }, { true, true, true }, { true, true, true } };
        var crf = new LinearChainCrf(allowed, [true, true, false], [true, true, true]);
        var emissions = randn(50, 8, 3, generator: new Generator(7)) * 5;
        foreach (var path in crf.Decode(emissions, Enumerable.Repeat(8, 50).ToArray()))
        {
            Assert.NotEqual(2, path[0]);
            for (var t = 1; t < path.Length; t++)
                Assert.False(path[t - 1] == 0 && path[t] == 2, string.Join(",", path));
        }
    }
}
