using CsCheck;

namespace Melm.Models.Tests.Fuzzing;

/// <summary>
/// Generators of reader input: random bytes, and valid files with a few mutations (bytes replaced,
/// inserted from the characters that matter to the formats, ranges deleted or repeated, the end cut off).
/// </summary>
internal static class InputMutations
{
    /// <summary>The seed the suite's property tests draw from, so every run of the suite (and CI) tests the same inputs.</summary>
    private const string Seed = "caeK9fLf9d81";

    /// <summary>
    /// Runs <paramref name="assert"/> on <paramref name="iterations"/> inputs of <paramref name="gen"/>:
    /// the same inputs every time, drawn from <see cref="Seed"/> (CsCheck's own Sample draws fresh
    /// ones each run, which would make the suite pass or fail by chance). MELM_FUZZ_RANDOM=1 explores
    /// fresh inputs with CsCheck's Sample and its shrinking instead, for a search outside CI.
    /// </summary>
    public static void Check<T>(this Gen<T> gen, Action<T> assert, int iterations)
    {
        ArgumentNullException.ThrowIfNull(gen);
        ArgumentNullException.ThrowIfNull(assert);
        if (Environment.GetEnvironmentVariable("MELM_FUZZ_RANDOM") == "1")
        {
            gen.Sample(assert, iter: iterations, threads: 1);
            return;
        }
        var pcg = PCG.Parse(Seed);
        for (var i = 0; i < iterations; i++)
        {
            var input = gen.Generate(pcg, null, out _);
            try
            {
                assert(input);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"input {i + 1} of {iterations} from seed {Seed} failed: {CsCheck.Check.Print(input)}", e);
            }
        }
    }

    public static void Check<T1, T2>(this Gen<(T1, T2)> gen, Action<T1, T2> assert, int iterations) =>
        gen.Check(t => assert(t.Item1, t.Item2), iterations);

    public static void Check<T1, T2, T3>(this Gen<(T1, T2, T3)> gen, Action<T1, T2, T3> assert, int iterations) =>
        gen.Check(t => assert(t.Item1, t.Item2, t.Item3), iterations);

    public static void Check<T1, T2, T3, T4>(this Gen<(T1, T2, T3, T4)> gen, Action<T1, T2, T3, T4> assert, int iterations) =>
        gen.Check(t => assert(t.Item1, t.Item2, t.Item3, t.Item4), iterations);

    /// <summary>Bytes the readers treat specially, plus invalid UTF-8 lead and continuation bytes.</summary>
    private static readonly byte[] Interesting = [.. " \t\n\r-BIESO{}[]\":,\\0"u8, 0xC3, 0xA9, 0xFF, 0xEF, 0xBB, 0xBF, 0x00, 0xC2, 0xA0];

    private static readonly Gen<byte> Byte = Gen.Frequency((3, (IGen<byte>)Gen.OneOf<byte>(Interesting)), (1, Gen.Byte));

    public static readonly Gen<byte[]> RandomBytes = Byte.Array[0, 120];

    /// <summary><paramref name="valid"/> with one to four mutations.</summary>
    public static Gen<byte[]> Mutated(byte[] valid) =>
        Gen.Int[1, 4].SelectMany(count => Mutation(valid.Length).Array[count]).Select(mutations =>
        {
            var bytes = new List<byte>(valid);
            foreach (var mutate in mutations)
                mutate(bytes);
            return bytes.ToArray();
        });

    private static Gen<Action<List<byte>>> Mutation(int length) =>
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, Math.Max(0, length)], Gen.Int[0, 12], Byte.Array[1, 4], (kind, at, span, bytes) => (Action<List<byte>>)(list =>
        {
            var i = Math.Min(at, list.Count);
            var n = Math.Min(span, list.Count - i);
            switch (kind)
            {
                case 0 when i < list.Count:
                    list[i] = bytes[0];
                    break;
                case 1:
                    list.InsertRange(i, bytes);
                    break;
                case 2:
                    list.RemoveRange(i, n);
                    break;
                case 3:
                    list.InsertRange(i, list.GetRange(i, n));
                    break;
                case 4:
                    list.RemoveRange(i, list.Count - i);
                    break;
                default:
                    list.Insert(i, (byte)'\n');
                    break;
            }
        }));
}
