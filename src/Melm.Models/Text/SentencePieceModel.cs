using System.Text;

namespace Melm.Models.Text;

/// <summary>
/// A SentencePiece unigram model read from its ModelProto file, encoding exactly as the reference
/// C++ library does: its normaliser (precompiled character map and whitespace rules), its Viterbi
/// segmentation with float scores and the same tie-breaking, and its merging of a run of unknown
/// characters into one unknown piece. Ids here are SentencePiece's own; <see cref="XlmrTokenizer"/>
/// maps them to XLM-R's.
/// </summary>
/// <remarks>
/// Microsoft.ML.Tokenizers 2.0.1 was the first choice but differs from SentencePiece on the XLM-R
/// model: one unknown piece per character, control characters kept where the character map
/// removes them, and the other segmentation where two tie ("2.777": SentencePiece gives
/// ▁2. 77 7, the package ▁2. 7 77).
/// </remarks>
public sealed class SentencePieceModel
{
    // sentencepiece's kUnkPenalty: an unknown character scores this much below the worst piece.
    private const float UnknownPenalty = 10.0f;

    private static readonly UTF8Encoding Utf8Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Dictionary<string, int> _segmentable;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _segmentableLookup;
    private readonly int _maxPieceLength;
    private readonly float _unknownScore;
    private readonly CharsMapNormalizer _normalizer;

    private SentencePieceModel(string[] pieces, float[] scores, SentencePieceType[] types, CharsMapNormalizer normalizer)
    {
        Pieces = pieces;
        Scores = scores;
        Types = types;
        _normalizer = normalizer;
        UnknownId = Array.IndexOf(types, SentencePieceType.Unknown);

        // As in sentencepiece, only normal (and unused, never chosen) pieces take part in segmentation;
        // control and unknown pieces are never matched against text.
        _segmentable = new Dictionary<string, int>(StringComparer.Ordinal);
        var minScore = float.MaxValue;
        for (var id = 0; id < pieces.Length; id++)
        {
            if (types[id] is SentencePieceType.Normal or SentencePieceType.Unused)
            {
                _segmentable.TryAdd(pieces[id], id);
                _maxPieceLength = Math.Max(_maxPieceLength, pieces[id].Length);
            }
            if (types[id] == SentencePieceType.Normal)
                minScore = Math.Min(minScore, scores[id]);
        }
        _segmentableLookup = _segmentable.GetAlternateLookup<ReadOnlySpan<char>>();
        _unknownScore = minScore - UnknownPenalty;
    }

    public IReadOnlyList<string> Pieces { get; }

    public IReadOnlyList<float> Scores { get; }

    public IReadOnlyList<SentencePieceType> Types { get; }

    public int UnknownId { get; }

    /// <summary>
    /// Reads a serialised ModelProto. Throws <see cref="FormatException"/> when the bytes are not a
    /// SentencePiece model, and <see cref="NotSupportedException"/> for models this encoder does not
    /// implement (BPE, byte fallback, user-defined pieces, whitespace as suffix).
    /// </summary>
    public static SentencePieceModel Parse(ReadOnlySpan<byte> bytes)
    {
        var pieces = new List<string>();
        var scores = new List<float>();
        var types = new List<SentencePieceType>();
        var charsMap = ReadOnlySpan<byte>.Empty;
        bool addDummyPrefix = true, removeExtraWhitespaces = true, escapeWhitespaces = true;
        var modelType = 1;
        bool byteFallback = false, whitespaceAsSuffix = false;

        var reader = new ProtoReader(bytes);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1:
                    ProtoReader.Expect(field, wire, ProtoReader.LengthDelimited);
                    ReadPiece(reader.ReadLengthDelimited(), pieces, scores, types);
                    break;
                case 2:
                    ProtoReader.Expect(field, wire, ProtoReader.LengthDelimited);
                    ReadTrainerSpec(reader.ReadLengthDelimited(), ref modelType, ref byteFallback, ref whitespaceAsSuffix);
                    break;
                case 3:
                    ProtoReader.Expect(field, wire, ProtoReader.LengthDelimited);
                    var spec = new ProtoReader(reader.ReadLengthDelimited());
                    while (spec.TryReadTag(out var f, out var w))
                    {
                        switch (f)
                        {
                            case 2:
                                ProtoReader.Expect(f, w, ProtoReader.LengthDelimited);
                                charsMap = spec.ReadLengthDelimited();
                                break;
                            case 3:
                                ProtoReader.Expect(f, w, ProtoReader.Varint);
                                addDummyPrefix = spec.ReadVarint() != 0;
                                break;
                            case 4:
                                ProtoReader.Expect(f, w, ProtoReader.Varint);
                                removeExtraWhitespaces = spec.ReadVarint() != 0;
                                break;
                            case 5:
                                ProtoReader.Expect(f, w, ProtoReader.Varint);
                                escapeWhitespaces = spec.ReadVarint() != 0;
                                break;
                            default:
                                spec.Skip(w);
                                break;
                        }
                    }
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        if (pieces.Count == 0)
            throw new FormatException("it holds no pieces");
        if (types.Count(t => t == SentencePieceType.Unknown) != 1)
            throw new FormatException("it must have exactly one unknown piece");
        if (modelType != 1)
            throw new NotSupportedException($"model type {modelType} is not unigram (1)");
        if (byteFallback)
            throw new NotSupportedException("byte fallback is not supported");
        if (whitespaceAsSuffix)
            throw new NotSupportedException("treat_whitespace_as_suffix is not supported");
        if (types.Contains(SentencePieceType.UserDefined))
            throw new NotSupportedException("user-defined pieces are not supported");

        var normalizer = CharsMapNormalizer.Create(charsMap, addDummyPrefix, removeExtraWhitespaces, escapeWhitespaces);
        return new SentencePieceModel([.. pieces], [.. scores], [.. types], normalizer);
    }

    /// <summary>The text after normalisation, as the segmenter sees it ('▁' for spaces).</summary>
    public string Normalize(string text) => _normalizer.Normalize(text);

    /// <summary>SentencePiece ids of <paramref name="text"/>, as sentencepiece's Encode gives them.</summary>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = Segment(_normalizer.Normalize(text));
        // sentencepiece merges a run of unknown pieces into one so a decoder can copy the span.
        var merged = new List<int>(ids.Count);
        foreach (var id in ids)
        {
            if (!(id == UnknownId && merged.Count > 0 && merged[^1] == UnknownId))
                merged.Add(id);
        }
        return merged;
    }

    /// <summary>The id of a piece that can appear in a segmentation, or null.</summary>
    public int? SegmentableId(string piece) => _segmentable.TryGetValue(piece, out var id) ? id : null;

    /// <summary>
    /// sentencepiece's optimised unigram Viterbi: for each end position keep the best-scoring piece
    /// ending there (first found wins ties); a character no piece covers becomes an unknown node.
    /// Path scores are stored as float but a piece's candidate is summed and compared in double, as
    /// the C++ does (its score expression is promoted to double); an unknown's stays float. Ties
    /// such as "777" = 7+77 or 77+7 are decided by exactly this rounding.
    /// </summary>
    private List<int> Segment(string normalized)
    {
        var n = normalized.Length;
        var bestScore = new float[n + 1];
        var bestStart = new int[n + 1];
        var bestId = new int[n + 1];
        Array.Fill(bestStart, -1);

        var start = 0;
        while (start < n)
        {
            var scoreHere = bestScore[start];
            var charLength = char.IsHighSurrogate(normalized[start]) && start + 1 < n && char.IsLowSurrogate(normalized[start + 1]) ? 2 : 1;
            var coveredByPiece = false;
            var maxLength = Math.Min(_maxPieceLength, n - start);
            for (var length = 1; length <= maxLength; length++)
            {
                if (!_segmentableLookup.TryGetValue(normalized.AsSpan(start, length), out var id) || Types[id] == SentencePieceType.Unused)
                    continue;
                Offer(start + length, start, id, (double)Scores[id] + scoreHere);
                if (length == charLength)
                    coveredByPiece = true;
            }
            if (!coveredByPiece)
                Offer(start + charLength, start, UnknownId, _unknownScore + scoreHere);
            start += charLength;
        }

        var ids = new List<int>();
        for (var end = n; end > 0; end = bestStart[end])
            ids.Add(bestId[end]);
        ids.Reverse();
        return ids;

        void Offer(int end, int from, int id, double score)
        {
            if (bestStart[end] == -1 || score > bestScore[end])
            {
                bestScore[end] = (float)score;
                bestStart[end] = from;
                bestId[end] = id;
            }
        }
    }

    private static void ReadPiece(ReadOnlySpan<byte> data, List<string> pieces, List<float> scores, List<SentencePieceType> types)
    {
        var reader = new ProtoReader(data);
        string? piece = null;
        var score = 0f;
        var type = SentencePieceType.Normal;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1:
                    ProtoReader.Expect(field, wire, ProtoReader.LengthDelimited);
                    piece = DecodeUtf8(reader.ReadLengthDelimited(), pieces.Count);
                    break;
                case 2:
                    ProtoReader.Expect(field, wire, ProtoReader.Fixed32);
                    score = reader.ReadFloat();
                    break;
                case 3:
                    ProtoReader.Expect(field, wire, ProtoReader.Varint);
                    var value = reader.ReadVarint();
                    if (value is < 1 or > 6)
                        throw new FormatException($"piece {pieces.Count} has unknown type {value}");
                    type = (SentencePieceType)value;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        if (string.IsNullOrEmpty(piece))
            throw new FormatException($"piece {pieces.Count} is empty");
        if (!float.IsFinite(score))
            throw new FormatException($"piece {pieces.Count} has score {score}");
        pieces.Add(piece);
        scores.Add(score);
        types.Add(type);
    }

    private static string DecodeUtf8(ReadOnlySpan<byte> bytes, int pieceIndex)
    {
        try
        {
            return Utf8Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException($"piece {pieceIndex} is not valid UTF-8");
        }
    }

    private static void ReadTrainerSpec(ReadOnlySpan<byte> data, ref int modelType, ref bool byteFallback, ref bool whitespaceAsSuffix)
    {
        var reader = new ProtoReader(data);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 3:
                    ProtoReader.Expect(field, wire, ProtoReader.Varint);
                    modelType = (int)reader.ReadVarint();
                    break;
                case 24:
                    ProtoReader.Expect(field, wire, ProtoReader.Varint);
                    whitespaceAsSuffix = reader.ReadVarint() != 0;
                    break;
                case 35:
                    ProtoReader.Expect(field, wire, ProtoReader.Varint);
                    byteFallback = reader.ReadVarint() != 0;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
    }
}
