using Melm.Models.Checkpoints;
using Melm.Models.Nn;
using Melm.Models.Randomness;
using Melm.Models.Text;
using TorchSharp;
using TorchSharp.Modules;
using Melm.Models.Ner;
using static TorchSharp.torch;

namespace Melm.Models.Tagging;

/// <summary>
/// A RoBERTa / XLM-R encoder, dropout, a linear emission layer and a linear-chain CRF over words;
/// each word is scored at its first subword. Parameter names are those of transformers'
/// XLMRobertaForTokenClassification (`roberta.*`, `classifier.*`) plus `crf.*`.
/// </summary>
public sealed class NerTagger : nn.Module
{
    public const string EncoderPrefix = "roberta.";
    public const string ClassifierPrefix = "classifier.";
    public const string CrfPrefix = "crf.";

    private readonly RobertaModel roberta;
    private readonly Linear classifier;
    private readonly LinearChainCrf crf;

    /// <summary>A tagger whose every parameter the caller sets next (a load, a copy).</summary>
    internal NerTagger(RobertaConfig config, TaggerLabels labels, Device? device)
        : base(nameof(NerTagger))
    {
        var problems = config.Check("model config");
        if (problems.Count > 0)
            throw new ArgumentException(string.Join("; ", problems.Select(p => p.Message)), nameof(config));
        Config = config;
        Labels = labels;
        Device = device ?? CPU;
        roberta = new RobertaModel(config, Device, ScalarType.Float32);
        classifier = nn.Linear(config.HiddenSize, labels.Count, device: Device);
        var rules = TransitionRules.For(labels.Names, labels.Scheme);
        crf = new LinearChainCrf(rules.Allowed, rules.AllowedStart, rules.AllowedEnd);
        crf.to(Device);
        register_module("roberta", roberta);
        register_module("classifier", classifier);
        register_module("crf", crf);
    }

    public RobertaConfig Config { get; }

    public TaggerLabels Labels { get; }

    public Device Device { get; }

    /// <summary>
    /// The longest encoder input in subwords, &lt;s&gt; and &lt;/s&gt; included: longer sentences are
    /// tagged in windows. At most the model's <see cref="RobertaConfig.MaxSequenceLength"/> (the default), at least 4.
    /// </summary>
    public int MaxLength
    {
        get => _maxLength ?? Config.MaxSequenceLength;
        set
        {
            if (value < 4 || value > Config.MaxSequenceLength)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"The window must be between 4 and the model's {Config.MaxSequenceLength} subwords.");
            _maxLength = value;
        }
    }

    private int? _maxLength;

    /// <summary>fp32, or bf16 autocast for the encoder's forward.</summary>
    public Precision Precision { get; set; } = Precision.Fp32;

    /// <summary>
    /// A tagger on the encoder (`roberta.*`) of any model folder this project reads: a masked LM, a
    /// Hugging Face token-classification folder or a saved tagger; other heads in it are not used.
    /// The emission layer is new, drawn from the run seed <paramref name="seed"/>; the CRF starts at zero.
    /// </summary>
    public static NerTagger FromPretrained(string modelFolder, TaggerLabels labels, ulong seed, Device? device = null)
    {
        var config = ModelFolder.ReadConfig(modelFolder);
        var (tensors, source) = ModelFolder.OpenWeights(modelFolder);
        var tagger = new NerTagger(config, labels, device);
        try
        {
            ModelFolder.LoadParameters(tagger.EncoderParameters(), tensors, source, [EncoderPrefix], $"a {config.ModelType} encoder");
            tagger.InitialiseHead(seed);
            return tagger;
        }
        catch
        {
            tagger.Dispose();
            throw;
        }
    }

    /// <summary>A tagger on a copy of a masked LM's encoder (the LM head is left out); the head as in <see cref="FromPretrained"/>.</summary>
    public static NerTagger FromMaskedLm(RobertaForMaskedLM source, TaggerLabels labels, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(source);
        var tagger = new NerTagger(source.Config, labels, source.Device);
        var weights = source.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        using (no_grad())
        using (NewDisposeScope())
        {
            foreach (var (name, parameter) in tagger.EncoderParameters())
                parameter.copy_(weights[name].to(ScalarType.Float32));
        }
        tagger.InitialiseHead(seed);
        return tagger;
    }

    /// <summary>Every parameter by name, each once.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters() => named_parameters().ToList();

    /// <summary>The encoder's parameters (`roberta.*`).</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> EncoderParameters() => ByPrefix(EncoderPrefix);

    /// <summary>The emission layer's parameters (`classifier.*`).</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> ClassifierParameters() => ByPrefix(ClassifierPrefix);

    /// <summary>The CRF's parameters (`crf.*`).</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> CrfParameters() => ByPrefix(CrfPrefix);

    /// <summary>Word-level emission scores, [sentences, most words, labels] fp32; rows past a sentence's length are padding.</summary>
    /// <param name="batch">Sentences of at least one word each.</param>
    public Tensor WordEmissions(IReadOnlyList<TaggerInput> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0 || batch.Any(s => s.WordCount == 0))
            throw new ArgumentException("Every sentence of a batch needs at least one word.", nameof(batch));
        using var scope = NewDisposeScope();
        var windows = batch.SelectMany(s => s.Windows).ToList();
        var width = windows.Max(w => w.InputIds.Count);
        var ids = new long[windows.Count * width];
        Array.Fill(ids, Config.PadTokenId);
        var attention = new long[windows.Count * width];
        var maxWords = batch.Max(s => s.WordCount);
        var rows = new long[batch.Count * maxWords];
        var w = 0;
        for (var b = 0; b < batch.Count; b++)
        {
            foreach (var window in batch[b].Windows)
            {
                for (var t = 0; t < window.InputIds.Count; t++)
                {
                    ids[w * width + t] = window.InputIds[t];
                    attention[w * width + t] = 1;
                }
                for (var k = 0; k < window.CorePositions.Count; k++)
                    rows[b * maxWords + window.CoreStart + k] = w * width + window.CorePositions[k];
                w++;
            }
        }
        Tensor hidden;
        using (Autocast.Enter(Precision))
            hidden = roberta.forward(tensor(ids, windows.Count, width, device: Device), tensor(attention, windows.Count, width, device: Device));
        var firstSubwords = hidden.reshape(-1, Config.HiddenSize).index_select(0, tensor(rows, device: Device)).to(ScalarType.Float32);
        var dropped = nn.functional.dropout(firstSubwords, Config.HiddenDropoutProb, training);
        return classifier.forward(dropped).view(batch.Count, maxWords, Labels.Count).MoveToOuterDisposeScope();
    }

    /// <summary>The mean negative log-likelihood of the gold label indices under the CRF.</summary>
    public Tensor Loss(IReadOnlyList<TaggerInput> batch, IReadOnlyList<IReadOnlyList<int>> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        if (tags.Count != batch.Count || tags.Where((t, i) => t.Count != batch[i].WordCount).Any())
            throw new ArgumentException("One label per word of each sentence is needed.", nameof(tags));
        using var scope = NewDisposeScope();
        var emissions = WordEmissions(batch);
        var maxWords = (int)emissions.shape[1];
        var gold = new long[batch.Count * maxWords];
        for (var b = 0; b < batch.Count; b++)
        {
            for (var i = 0; i < tags[b].Count; i++)
                gold[b * maxWords + i] = tags[b][i];
        }
        var lengths = tensor(batch.Select(s => (long)s.WordCount).ToArray(), device: Device);
        var logLikelihood = crf.LogLikelihood(emissions, tensor(gold, batch.Count, maxWords, device: Device), lengths);
        return (-logLikelihood.mean()).MoveToOuterDisposeScope();
    }

    /// <summary>The best label indices of each sentence (Viterbi under the scheme's constraints); an empty sentence gets none.</summary>
    public IReadOnlyList<int[]> Decode(IReadOnlyList<TaggerInput> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var result = new int[batch.Count][];
        var nonEmpty = Enumerable.Range(0, batch.Count).Where(i => batch[i].WordCount > 0).ToList();
        for (var i = 0; i < batch.Count; i++)
            result[i] = [];
        if (nonEmpty.Count == 0)
            return result;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var inputs = nonEmpty.Select(i => batch[i]).ToList();
        var paths = crf.Decode(WordEmissions(inputs), inputs.Select(s => s.WordCount).ToList());
        for (var k = 0; k < nonEmpty.Count; k++)
            result[nonEmpty[k]] = paths[k];
        return result;
    }

    /// <summary>Encodes a sentence for this tagger's window <see cref="MaxLength"/> (see <see cref="TaggerInput.Encode"/>).</summary>
    public TaggerInput Encode(XlmrTokenizer tokenizer, IReadOnlyList<string> words) =>
        TaggerInput.Encode(tokenizer, words, MaxLength);

    private List<(string Name, Parameter Parameter)> ByPrefix(string prefix) =>
        named_parameters().Where(p => p.name.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    // As transformers initialises a new classifier: normal(0, initializer_range), bias 0.
    private void InitialiseHead(ulong seed)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var generator = new Generator(SeedDerivation.Derive(seed, "ner head init"), CPU);
        var weight = classifier.weight!;
        weight.copy_((randn(weight.shape, ScalarType.Float32, generator: generator) * Config.InitializerRange).to(Device));
        classifier.bias!.zero_();
        foreach (var (_, parameter) in CrfParameters())
            parameter.zero_();
    }
}
