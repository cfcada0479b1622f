using CsCheck;

namespace Melm.Models.Tests.Fuzzing;

/// <summary>
/// Generators of reader input: random bytes, and valid files with a few mutations (bytes replaced,
/// inserted from the characters that matter to the formats, ranges deleted or repeated, the end cut off).
/// </summary>
internal static class InputMutations
{
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
