using Melm.Models.Checkpoints;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Nn;
using Melm.Models.Text;
using Melm.Models.Augmentation;
using static TorchSharp.torch;

namespace Melm.Models.Mlm;

/// <summary>
/// A masked LM ready for MELM: the model, its tokenizer with the run's markers added, the marker
/// set and the linearizer. Made from a pretrained folder (<see cref="Prepare"/>) or from a folder
/// fine-tuning saved (<see cref="Load"/>).
/// </summary>
public sealed class MelmModel : IDisposable
{
    private CandidateRules? _rules;

    private MelmModel(RobertaForMaskedLM mlm, XlmrTokenizer tokenizer, MelmFolderInfo info, string source)
    {
        Mlm = mlm;
        Tokenizer = tokenizer;
        Info = info;
        Source = source;
        Method = AugmentationMethods.TryParse(info.Method, out var method) && AugmentationMethods.UsesMaskedLm(method)
            ? method
            : throw new InputException(source, null, $"method '{info.Method}' does not rewrite with a masked LM (expected {string.Join(", ", AugmentationMethods.Names.Where(n => AugmentationMethods.TryParse(n, out var m) && AugmentationMethods.UsesMaskedLm(m)))})");
        Markers = new MarkerSet(info.Tags, tag => Tag.Parse(tag).Type, info.Languages, info.TypeWords);
        Linearizer = new Linearizer(Markers, AugmentationMethods.UsesMarkers(Method));
    }

    public RobertaForMaskedLM Mlm { get; private set; }

    public XlmrTokenizer Tokenizer { get; }

    public MelmFolderInfo Info { get; private set; }

    public AugmentationMethod Method { get; }

    public MarkerSet Markers { get; }

    public Linearizer Linearizer { get; }

    /// <summary>The folder the model came from, for messages.</summary>
    public string Source { get; }

    /// <summary>Candidate validity over the tokenizer's vocabulary (markers count as special).</summary>
    public CandidateRules Rules => _rules ??= new CandidateRules(Tokenizer);

    /// <summary>
    /// Loads a pretrained MLM folder and, for <see cref="AugmentationMethod.Melm"/>, adds one marker
    /// per entity tag of <paramref name="training"/> and any tags <paramref name="dev"/> needs beyond
    /// them (<see cref="MarkedTags"/>), and per language when the data has several or
    /// <paramref name="languages"/> names them, each initialised from its type's words.
    /// </summary>
    public static MelmModel Prepare(
        string pretrainedFolder,
        IReadOnlyList<Sentence> training,
        AugmentationMethod method,
        IReadOnlyList<string>? languages = null,
        IReadOnlyDictionary<string, string>? typeWords = null,
        Device? device = null,
        IReadOnlyList<Sentence>? dev = null)
    {
        var tags = MarkedTags(training, dev);
        var dataLanguages = training.SelectMany(s => s.TokenLanguages.Count > 0 ? s.TokenLanguages : [s.Lang])
            .OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var runLanguages = languages is { Count: > 0 } ? languages.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray()
            : dataLanguages.Length > 1 ? dataLanguages.Order(StringComparer.Ordinal).ToArray() : [];
        if (!AugmentationMethods.UsesMarkers(method))
            runLanguages = [];
        var words = tags.Select(t => Tag.Parse(t).Type).Distinct(StringComparer.Ordinal).ToDictionary(
            type => type,
            type => typeWords?.GetValueOrDefault(type) ?? MarkerSet.DefaultTypeWords.GetValueOrDefault(type) ?? type,
            StringComparer.Ordinal);
        var scheme = TagSchemes.Name(TagSchemes.Detect(training.Select(s => s.Tags)));
        var info = new MelmFolderInfo(AugmentationMethods.Name(method), tags, runLanguages, words, scheme);

        var tokenizer = XlmrTokenizer.Load(pretrainedFolder);
        var mlm = ModelFolder.LoadMaskedLm(pretrainedFolder, device);
        CheckVocabulary(mlm, tokenizer, pretrainedFolder);
        var model = new MelmModel(mlm, tokenizer, info, pretrainedFolder);
        if (AugmentationMethods.UsesMarkers(method))
            model.AddMarkers();
        return model;
    }

    /// <summary>Loads a folder <see cref="Save"/> wrote; refuses one whose tokenizer lacks its markers.</summary>
    public static MelmModel Load(string folder, Device? device = null)
    {
        var info = MelmFolderInfo.Load(folder);
        var tokenizer = XlmrTokenizer.Load(folder);
        var mlm = ModelFolder.LoadMaskedLm(folder, device);
        var model = new MelmModel(mlm, tokenizer, info, folder);
        var missing = AugmentationMethods.UsesMarkers(model.Method)
            ? model.Markers.AllMarkers.Where(m => tokenizer.PieceToId(m) is not { } id || !tokenizer.IsAdded(id)).ToArray()
            : [];
        if (missing.Length > 0)
        {
            model.Dispose();
            throw new InputException(folder, null, $"the tokenizer lacks the markers {string.Join(", ", missing)} that {MelmFolderInfo.FileName} names (no {XlmrTokenizer.AddedTokensFileName}, or another folder's)");
        }
        CheckVocabulary(mlm, tokenizer, folder);
        return model;
    }

    /// <summary>
    /// Writes the model, the tokenizer with its markers and `melm.json` (with <paramref name="info"/> when given),
    /// staged so that a failed write (CheckpointWriteException) leaves the folder's previous model whole.
    /// </summary>
    public void Save(string folder, MelmFolderInfo? info = null)
    {
        if (info is not null)
            Info = info;
        StagedFolder.Write(folder, MelmFolderInfo.FileName, staging =>
        {
            ModelFolder.Save(Mlm, staging);
            Tokenizer.Save(staging);
            Info.Save(staging);
        }, [XlmrTokenizer.AddedTokensFileName]);
    }

    /// <summary>The tags a model prepared on <paramref name="training"/> (and scored on <paramref name="dev"/>) gets markers for, in order: see <see cref="DevTagCoverage.Tags"/>.</summary>
    public static IReadOnlyList<string> MarkedTags(IReadOnlyList<Sentence> training, IReadOnlyList<Sentence>? dev = null) =>
        DevTagCoverage.Tags(training, dev);

    private static string UncoveredTag(Sentence sentence, string tag, IReadOnlyList<string> tags) =>
        $"sentence {sentence.Id}: tag {tag} is not in the model's marker set ({string.Join(", ", tags)}); fine-tune on data with this tag";

    /// <summary>
    /// Refuses sentences this model cannot linearize: tags without a marker, languages without one in
    /// multilingual runs. Every problem names the file, the line and the tag.
    /// </summary>
    public void CheckCovers(IReadOnlyList<Sentence> sentences, string source)
    {
        if (!AugmentationMethods.UsesMarkers(Method))
            return;
        var problems = new List<InputProblem>();
        foreach (var sentence in sentences)
        {
            for (var i = 0; i < sentence.Tags.Count; i++)
            {
                var tag = sentence.Tags[i];
                if (tag != Tag.OutsideText && !Markers.TryTagMarker(tag, out _))
                    problems.Add(new(source, sentence.LineOf(i), UncoveredTag(sentence, tag, Info.Tags)));
            }
            if (!Markers.IsMultilingual)
                continue;
            // Each entity token carries its own language: a code-mixed mention may come from another one.
            var unmarked = Enumerable.Range(0, sentence.Tags.Count)
                .Where(i => sentence.Tags[i] != Tag.OutsideText && (sentence.LanguageOf(i) is not { } lang || !Markers.TryLanguageMarker(lang, out _)))
                .Select(i => (Index: i, Lang: sentence.LanguageOf(i)))
                .DistinctBy(t => t.Lang);
            foreach (var (index, lang) in unmarked)
                problems.Add(new(source, sentence.LineOf(index), $"sentence {sentence.Id}: language '{lang ?? "(none)"}' has no marker (the model knows {string.Join(", ", Info.Languages)})"));
        }
        if (problems.Count > 0)
            throw new InputException(problems);
    }

    /// <summary>The sentence linearized with this model's markers and split into its subwords (<see cref="MelmEncoder"/>).</summary>
    public MelmEncoding Encode(Sentence sentence) => MelmEncoder.Encode(sentence, Linearizer, Tokenizer);

    /// <summary>Replaces the model's weights with those of a safetensors file of the same shapes (a checkpoint).</summary>
    public void LoadWeights(string safetensorsPath) =>
        ModelFolder.LoadInto(Mlm, SafetensorsFile.Open(safetensorsPath), safetensorsPath);

    public void Dispose() => Mlm.Dispose();

    private void AddMarkers()
    {
        if (Mlm.Config.VocabSize != Tokenizer.VocabSize)
            throw new InputException(Source, null, $"the model has {Mlm.Config.VocabSize} vocabulary rows but the tokenizer {Tokenizer.VocabSize} ids: markers would not line up");
        var markers = Markers.AllMarkers;
        var initIds = markers.Select(m => (IReadOnlyList<long>)Tokenizer.InitialisationIds(Markers.InitialisationWords(m)).Select(id => (long)id).ToArray()).ToArray();
        var ids = Tokenizer.AddTokens(markers);
        if (ids.Any(id => !Tokenizer.IsAdded(id)))
            throw new InputException(Source, null, $"a marker ({string.Join(", ", markers)}) is already a special token of this tokenizer");
        var grown = Mlm.WithAddedTokens(initIds);
        Mlm.Dispose();
        Mlm = grown;
        CheckVocabulary(Mlm, Tokenizer, Source);
    }

    private static void CheckVocabulary(RobertaForMaskedLM mlm, XlmrTokenizer tokenizer, string folder)
    {
        if (mlm.Config.VocabSize < tokenizer.VocabSize)
            throw new InputException(folder, null, $"the tokenizer has {tokenizer.VocabSize} ids but the model only {mlm.Config.VocabSize} rows");
    }
}
