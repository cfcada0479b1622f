using Melm.Models.Augmentation;
using static TorchSharp.torch;

namespace Melm.Models.Mlm;

/// <summary>Rows of masked ids as the tensors a masked-LM step takes.</summary>
public static class MaskedBatch
{
    /// <summary>
    /// Padded ids, attention mask, flat masked positions (b * T + t) and labels of a batch, on
    /// <paramref name="device"/>; positions follow row order, then position order.
    /// </summary>
    public static (Tensor Ids, Tensor Attention, Tensor Flat, Tensor Labels) Of(IReadOnlyList<MaskedRow> rows, int padId, Device device)
    {
        var width = rows.Max(r => r.Ids.Length);
        var ids = new long[rows.Count * width];
        var attention = new long[rows.Count * width];
        var flat = new List<long>();
        var labels = new List<long>();
        for (var b = 0; b < rows.Count; b++)
        {
            var row = rows[b];
            for (var t = 0; t < width; t++)
            {
                ids[b * width + t] = t < row.Ids.Length ? row.Ids[t] : padId;
                attention[b * width + t] = t < row.Ids.Length ? 1 : 0;
            }
            for (var i = 0; i < row.Positions.Length; i++)
            {
                flat.Add((long)b * width + row.Positions[i]);
                labels.Add(row.Labels[i]);
            }
        }
        return (
            tensor(ids, rows.Count, width, device: device),
            tensor(attention, rows.Count, width, device: device),
            tensor(flat.ToArray(), device: device),
            tensor(labels.ToArray(), device: device));
    }
}
