using Melm.Models.Sequences;
using Melm.Models.Text;

namespace Melm.Models.Augmentation;

/// <summary>One model input row: ids with begin and end tokens, the masked positions in it and what stood there.</summary>
/// <param name="Ids">Input ids, masked positions already replaced by &lt;mask&gt;.</param>
/// <param name="Positions">Masked positions within the row.</param>
/// <param name="Labels">The original id at each masked position.</param>
public sealed record MaskedRow(int[] Ids, int[] Positions, int[] Labels)
{
    /// <summary>
    /// The row of one window of a sentence's subwords, as fine-tuning trains on it and generation
    /// predicts it: begin token, the window's ids with the masked ones replaced by
    /// <paramref name="maskId"/>, end token. Only masks in the window's core are predicted here (each
    /// subword is predicted in the one window whose core holds it); <c>SourcePositions</c> gives their
    /// positions in the whole sentence.
    /// </summary>
    public static (MaskedRow Row, int[] SourcePositions) ForWindow(IReadOnlyList<int> ids, IReadOnlyList<bool> masked, WordWindow window, int maskId)
    {
        var row = new int[window.End - window.Start + 2];
        row[0] = XlmrTokenizer.Bos;
        row[^1] = XlmrTokenizer.Eos;
        var positions = new List<int>();
        for (var i = window.Start; i < window.End; i++)
        {
            row[i - window.Start + 1] = masked[i] ? maskId : ids[i];
            if (masked[i] && i >= window.CoreStart && i < window.CoreEnd)
                positions.Add(i);
        }
        return (new MaskedRow(row, [.. positions.Select(i => i - window.Start + 1)], [.. positions.Select(i => ids[i])]), [.. positions]);
    }
}
