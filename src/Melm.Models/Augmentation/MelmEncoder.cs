using Melm.Models.Data;
using Melm.Models.Text;

namespace Melm.Models.Augmentation;

/// <summary>MELM's model input for a sentence (paper 2.1): its linearization, in subword ids.</summary>
public static class MelmEncoder
{
    /// <summary>
    /// The sentence linearized and split into subwords. A word the tokenizer cannot split, or one whose
    /// text equals a special or marker token, goes in as &lt;unk&gt; so it can never pass for a marker;
    /// its text is kept by whoever decodes. The tokenizer must hold the markers (<see cref="MarkerSet"/>).
    /// </summary>
    public static MelmEncoding Encode(Sentence sentence, Linearizer linearizer, XlmrTokenizer tokenizer)
    {
        var linear = linearizer.Linearize(sentence.Tokens, sentence.Tags, [.. Enumerable.Range(0, sentence.Tokens.Count).Select(sentence.LanguageOf)]);
        var ids = new List<int>();
        var wordIndex = new List<int>();
        var isEntity = new List<bool>();
        var wordStart = new List<bool>();
        var onlySubword = new List<bool>();
        var perToken = new int[linear.Count];
        for (var t = 0; t < linear.Count; t++)
        {
            var token = linear[t];
            IReadOnlyList<int> pieces;
            if (token.Kind == LinearTokenKind.Word)
            {
                pieces = tokenizer.CanEncode(token.Text) ? tokenizer.EncodeWord(token.Text).Ids : [XlmrTokenizer.Unk];
                if (pieces.Any(id => tokenizer.IsSpecial(id) || tokenizer.IsAdded(id)))
                    pieces = [XlmrTokenizer.Unk];
            }
            else
            {
                pieces = [tokenizer.PieceToId(token.Text) ?? throw new InvalidOperationException($"marker {token.Text} was not added to the tokenizer")];
            }
            perToken[t] = pieces.Count;
            for (var p = 0; p < pieces.Count; p++)
            {
                ids.Add(pieces[p]);
                wordIndex.Add(token.WordIndex);
                isEntity.Add(token.IsEntity);
                wordStart.Add(token.Kind == LinearTokenKind.Word && p == 0);
                onlySubword.Add(token.Kind == LinearTokenKind.Word && pieces.Count == 1);
            }
        }
        return new MelmEncoding(ids, wordIndex, isEntity, wordStart, onlySubword, perToken);
    }
}
