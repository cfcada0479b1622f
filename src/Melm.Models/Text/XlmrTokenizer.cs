using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Melm.Models.Diagnostics;

namespace Melm.Models.Text;

/// <summary>
/// XLM-R's tokenizer: its SentencePiece unigram model with fairseq's id layout (<c>&lt;s&gt;</c>=0,
/// <c>&lt;pad&gt;</c>=1, <c>&lt;/s&gt;</c>=2, <c>&lt;unk&gt;</c>=3, piece id + 1, <c>&lt;mask&gt;</c>
/// last), plus added tokens (label and language markers) after <c>&lt;mask&gt;</c>. Words are
/// tokenized one by one, each as if preceded by a space, as transformers does for pre-split input.
/// Encoding is safe from many threads; <see cref="AddTokens"/> is not, so add markers before sharing.
/// </summary>
public sealed class XlmrTokenizer : IPieceVocabulary
{
    public const string SentencePieceFileName = "sentencepiece.bpe.model";
    public const string AddedTokensFileName = "added_tokens.json";
    public const string ConfigFileName = "config.json";

    private const string MaskToken = "<mask>";
    private static readonly string[] FixedTokens = ["<s>", "<pad>", "</s>", "<unk>"];

    private readonly byte[] _modelFile;
    private readonly List<string> _addedTokens = [];
    // Tokens a whole word can equal: the special tokens and the added ones. Never split.
    private readonly Dictionary<string, int> _wholeWordTokens = new(StringComparer.Ordinal);

    private XlmrTokenizer(byte[] modelFile, SentencePieceModel sentencePiece)
    {
        _modelFile = modelFile;
        SentencePiece = sentencePiece;
        Mask = sentencePiece.Pieces.Count + 1;
        for (var id = 0; id < FixedTokens.Length; id++)
            _wholeWordTokens.Add(FixedTokens[id], id);
        _wholeWordTokens.Add(MaskToken, Mask);
    }

    public const int Bos = 0;

    public const int Pad = 1;

    public const int Eos = 2;

    public const int Unk = 3;

    /// <summary>The <c>&lt;mask&gt;</c> id: SentencePiece's piece count + 1.</summary>
    public int Mask { get; }

    /// <summary>Ids in use: SentencePiece pieces + 1 (fairseq offset) + <c>&lt;mask&gt;</c> + added tokens.</summary>
    public int VocabSize => Mask + 1 + _addedTokens.Count;

    /// <summary>Added tokens in id order; the first has id <see cref="Mask"/> + 1.</summary>
    public IReadOnlyList<string> AddedTokens => _addedTokens;

    /// <summary>The underlying SentencePiece model, with its own (unshifted) ids.</summary>
    public SentencePieceModel SentencePiece { get; }

    /// <summary>
    /// Loads a Hugging Face XLM-R folder (sentencepiece.bpe.model, with added_tokens.json and
    /// config.json when present) or a bare SentencePiece model file. Bad files throw
    /// <see cref="InputException"/>.
    /// </summary>
    public static XlmrTokenizer Load(string modelFolderOrSpmFile)
    {
        ArgumentNullException.ThrowIfNull(modelFolderOrSpmFile);
        string modelPath;
        string? folder = null;
        if (Directory.Exists(modelFolderOrSpmFile))
        {
            folder = modelFolderOrSpmFile;
            modelPath = Path.Combine(folder, SentencePieceFileName);
            if (!File.Exists(modelPath))
                throw new InputException(folder, null, $"the model folder has no {SentencePieceFileName}");
        }
        else if (File.Exists(modelFolderOrSpmFile))
        {
            modelPath = modelFolderOrSpmFile;
        }
        else
        {
            throw new InputException(modelFolderOrSpmFile, null, "no such file or folder");
        }

        var bytes = File.ReadAllBytes(modelPath);
        var tokenizer = new XlmrTokenizer(bytes, ParseModel(bytes, modelPath));
        if (folder is not null)
        {
            var addedPath = Path.Combine(folder, AddedTokensFileName);
            if (File.Exists(addedPath))
                tokenizer.LoadAddedTokens(addedPath);
            var configPath = Path.Combine(folder, ConfigFileName);
            if (File.Exists(configPath))
                tokenizer.CheckConfig(configPath);
        }
        return tokenizer;
    }

    /// <summary>Whether <paramref name="word"/> tokenizes to at least one piece (it is not empty, spaces, or only characters normalisation removes).</summary>
    public bool CanEncode(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return _wholeWordTokens.ContainsKey(word) || SentencePiece.Encode(word).Count > 0;
    }

    /// <summary>
    /// The pieces and ids of one pre-split word. A word equal to a special or added token is that
    /// one token. A word with no pieces (see <see cref="CanEncode"/>) throws <see cref="ArgumentException"/>:
    /// callers check words when they read them, where they can say which file and line.
    /// </summary>
    public WordEncoding EncodeWord(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (_wholeWordTokens.TryGetValue(word, out var tokenId))
            return new WordEncoding(word, [word], [tokenId]);

        var pieceIds = SentencePiece.Encode(word);
        if (pieceIds.Count == 0)
            throw new ArgumentException($"The word {Describe(word)} has no pieces: it is empty or holds only spaces or characters that normalisation removes.", nameof(word));
        var ids = pieceIds.Select(FromSentencePieceId).ToArray();
        return new WordEncoding(word, ids.Select(IdToPiece).ToArray(), ids);
    }

    /// <summary>A sentence of pre-split words (for example CoNLL tokens) as model input with word maps.</summary>
    public SentenceEncoding EncodeWords(IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var encoded = new WordEncoding[words.Count];
        for (var i = 0; i < words.Count; i++)
        {
            try
            {
                encoded[i] = EncodeWord(words[i]);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Word {i + 1} of {words.Count}: {e.Message}", nameof(words), e);
            }
        }
        return new SentenceEncoding(encoded, Bos, Eos);
    }

    /// <summary>The piece string of an id: a SentencePiece piece, a special token, or an added token.</summary>
    public string IdToPiece(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, VocabSize);
        if (id < FixedTokens.Length)
            return FixedTokens[id];
        if (id < Mask)
            return SentencePiece.Pieces[id - 1];
        return id == Mask ? MaskToken : _addedTokens[id - Mask - 1];
    }

    /// <summary>The id of a piece, special token or added token; null when the vocabulary lacks it.</summary>
    public int? PieceToId(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        if (_wholeWordTokens.TryGetValue(piece, out var id))
            return id;
        return SentencePiece.SegmentableId(piece) is { } pieceId ? pieceId + 1 : null;
    }

    /// <summary>True for <c>&lt;s&gt;</c>, <c>&lt;pad&gt;</c>, <c>&lt;/s&gt;</c>, <c>&lt;unk&gt;</c> and <c>&lt;mask&gt;</c>.</summary>
    public bool IsSpecial(int id) => id is >= 0 and < 4 || id == Mask;

    /// <summary>True for tokens added with <see cref="AddTokens"/> (markers).</summary>
    public bool IsAdded(int id) => id > Mask && id < VocabSize;

    /// <summary>True for a SentencePiece piece that starts a word (begins with '▁'); false for special and added tokens.</summary>
    public bool IsWordStart(int id) => id > Unk && id < Mask && SentencePiece.Pieces[id - 1][0] == CharsMapNormalizer.SpaceSymbol;

    /// <summary>
    /// Words of an id sequence: a word-start piece opens a word, other pieces (and <c>&lt;unk&gt;</c>,
    /// <c>&lt;mask&gt;</c>) continue it, an added token is a word of its own, and <c>&lt;s&gt;</c>,
    /// <c>&lt;/s&gt;</c>, <c>&lt;pad&gt;</c> are dropped. A lone '▁' piece gives an empty word.
    /// </summary>
    public IReadOnlyList<string> DecodeWords(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var words = new List<string>();
        StringBuilder? current = null;
        foreach (var id in ids)
        {
            var piece = IdToPiece(id);
            if (id == Bos || id == Eos || id == Pad || IsAdded(id))
            {
                Flush();
                if (IsAdded(id))
                    words.Add(piece);
                continue;
            }
            if (IsWordStart(id))
            {
                Flush();
                current = new StringBuilder(piece.Length);
                piece = piece[1..];
            }
            current ??= new StringBuilder();
            current.Append(piece.Replace(CharsMapNormalizer.SpaceSymbol, ' '));
        }
        Flush();
        return words;

        void Flush()
        {
            if (current is not null)
                words.Add(current.ToString());
            current = null;
        }
    }

    /// <summary>The text of an id sequence: <see cref="DecodeWords"/> joined by single spaces.</summary>
    public string Decode(IEnumerable<int> ids) => string.Join(' ', DecodeWords(ids));

    /// <summary>
    /// Adds tokens that are never split (label and language markers) and returns their ids, in order.
    /// New tokens get ids after the current vocabulary, so existing ids never move; a token that is
    /// already special or added returns its id. A token must be non-empty, without whitespace, and
    /// not itself a SentencePiece piece.
    /// </summary>
    public IReadOnlyList<int> AddTokens(IEnumerable<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var ids = new List<int>();
        foreach (var token in tokens)
        {
            ArgumentNullException.ThrowIfNull(token, nameof(tokens));
            if (_wholeWordTokens.TryGetValue(token, out var existing))
            {
                ids.Add(existing);
                continue;
            }
            if (ProblemWithNewToken(token) is { } problem)
                throw new ArgumentException(problem, nameof(tokens));
            ids.Add(Append(token));
        }
        return ids;
    }

    /// <summary>
    /// The ids whose embeddings initialise a new token's embedding: the pieces of the given words
    /// (for example ["person"] for a PER marker), in order, repeats kept.
    /// </summary>
    public IReadOnlyList<int> InitialisationIds(IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        if (words.Count == 0)
            throw new ArgumentException("At least one word is needed to initialise a token.", nameof(words));
        return words.SelectMany(w => EncodeWord(w).Ids).ToArray();
    }

    /// <summary>
    /// Writes sentencepiece.bpe.model and, when tokens were added, added_tokens.json
    /// ({"token": id}, as transformers writes it) into <paramref name="folder"/>.
    /// </summary>
    public void Save(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, SentencePieceFileName), _modelFile);
        var addedPath = Path.Combine(folder, AddedTokensFileName);
        if (_addedTokens.Count == 0)
        {
            // A stale file would give the folder tokens this tokenizer does not have.
            File.Delete(addedPath);
            return;
        }
        var json = JsonSerializer.Serialize(
            _addedTokens.Select((token, i) => new KeyValuePair<string, int>(token, Mask + 1 + i)).ToDictionary(),
            JsonOptions);
        File.WriteAllText(addedPath, json + "\n");
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        // Markers such as <B-PER> stay readable instead of becoming \u003C...
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static SentencePieceModel ParseModel(byte[] bytes, string path)
    {
        SentencePieceModel model;
        try
        {
            model = SentencePieceModel.Parse(bytes);
        }
        catch (FormatException e)
        {
            throw new InputException(path, null, $"not a SentencePiece model: {e.Message}");
        }
        catch (NotSupportedException e)
        {
            throw new InputException(path, null, $"a SentencePiece model this tokenizer does not support: {e.Message}");
        }

        // XLM-R's fairseq id mapping assumes SentencePiece's default first pieces.
        string[] expected = ["<unk>", "<s>", "</s>"];
        SentencePieceType[] expectedTypes = [SentencePieceType.Unknown, SentencePieceType.Control, SentencePieceType.Control];
        for (var i = 0; i < expected.Length; i++)
        {
            if (model.Pieces.Count <= i || model.Pieces[i] != expected[i] || model.Types[i] != expectedTypes[i])
                throw new InputException(path, null, $"not an XLM-R SentencePiece model: its first pieces must be <unk>, <s>, </s> (piece {i} is '{(model.Pieces.Count > i ? model.Pieces[i] : "missing")}')");
        }
        return model;
    }

    private int FromSentencePieceId(int pieceId) => pieceId == SentencePiece.UnknownId ? Unk : pieceId + 1;

    private int Append(string token)
    {
        var id = VocabSize;
        _addedTokens.Add(token);
        _wholeWordTokens.Add(token, id);
        return id;
    }

    private string? ProblemWithNewToken(string token)
    {
        if (token.Length == 0)
            return "An added token cannot be empty.";
        if (token.Any(char.IsWhiteSpace))
            return $"The added token {Describe(token)} contains whitespace; added tokens are matched as whole words.";
        if (SentencePiece.SegmentableId(token) is not null)
            return $"The added token {Describe(token)} is already a SentencePiece piece.";
        return null;
    }

    private void LoadAddedTokens(string path)
    {
        Dictionary<string, int>? entries;
        try
        {
            entries = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InputException(path, null, $"not a JSON object of token -> id: {e.Message}");
        }
        if (entries is null)
            throw new InputException(path, null, "not a JSON object of token -> id");

        var problems = new List<InputProblem>();
        var next = VocabSize;
        foreach (var (token, id) in entries.OrderBy(e => e.Value))
        {
            if (id != next)
                problems.Add(new InputProblem(path, null, $"token {Describe(token)} has id {id}, expected {next}: added ids must follow <mask> ({Mask}) without gaps"));
            else if (_wholeWordTokens.ContainsKey(token) || ProblemWithNewToken(token) is not null)
                problems.Add(new InputProblem(path, null, ProblemWithNewToken(token) ?? $"token {Describe(token)} is already a special token"));
            else
                Append(token);
            next++;
        }
        if (problems.Count > 0)
            throw new InputException(problems);
    }

    private void CheckConfig(string path)
    {
        int vocabSize;
        try
        {
            using var config = JsonDocument.Parse(File.ReadAllText(path));
            if (config.RootElement.ValueKind != JsonValueKind.Object
                || !config.RootElement.TryGetProperty("vocab_size", out var value)
                || !value.TryGetInt32(out vocabSize))
                throw new InputException(path, null, "has no integer vocab_size");
        }
        catch (JsonException e)
        {
            throw new InputException(path, null, $"not valid JSON: {e.Message}");
        }
        if (VocabSize > vocabSize)
        {
            var added = _addedTokens.Count > 0 ? $" + {_addedTokens.Count} added tokens" : "";
            throw new InputException(path, null,
                $"vocab_size {vocabSize} is smaller than the tokenizer's {VocabSize} ids ({SentencePiece.Pieces.Count} SentencePiece pieces + 2 for fairseq's offset and <mask>{added}); the tokenizer does not belong to this model");
        }
    }

    private static string Describe(string text) =>
        text.Length == 0 ? "'' (empty)" : $"'{text}' ({string.Join(' ', text.EnumerateRunes().Select(r => $"U+{r.Value:X4}"))})";

    int IPieceVocabulary.Count => VocabSize;

    string IPieceVocabulary.Piece(int id) => IdToPiece(id);

    /// <summary>For candidate filtering, added markers are as special as control tokens.</summary>
    bool IPieceVocabulary.IsSpecial(int id) => IsSpecial(id) || IsAdded(id);
}
