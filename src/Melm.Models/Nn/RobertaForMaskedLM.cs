using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Melm.Models.Nn;

/// <summary>
/// RoBERTa / XLM-R with its masked-LM head. Parameter names are the Hugging Face state-dict keys
/// (`roberta.embeddings.word_embeddings.weight`, ..., `lm_head.bias`); the decoder is tied to the
/// word embeddings and so has no parameter of its own. The head runs only on the positions asked
/// for: with a 250k vocabulary the decoder projection dominates the cost.
/// </summary>
public sealed class RobertaForMaskedLM : nn.Module
{
    private readonly RobertaModel roberta;
    private readonly RobertaLmHead lmHead;

    /// <summary>A model initialised as transformers does (normal(0, initializer_range), LayerNorm 1/0, pad rows 0).</summary>
    /// <param name="seed">Seeds the initial weights (pretraining from scratch, tests); the same seed gives the same model.</param>
    public RobertaForMaskedLM(RobertaConfig config, long seed, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : this(config, device, dtype)
    {
        Initialize(seed);
    }

    /// <summary>A model whose every parameter the caller overwrites next (a checkpoint load, a copy): no initialisation pass.</summary>
    internal RobertaForMaskedLM(RobertaConfig config, Device? device, ScalarType dtype)
        : base(nameof(RobertaForMaskedLM))
    {
        var problems = config.Check("model config");
        if (problems.Count > 0)
            throw new ArgumentException(string.Join("; ", problems.Select(p => p.Message)), nameof(config));
        Config = config;
        Device = device ?? CPU;
        DType = dtype;
        roberta = new RobertaModel(config, Device, dtype);
        lmHead = new RobertaLmHead(config, Device, dtype);
        register_module("roberta", roberta);
        register_module("lm_head", lmHead);
    }

    public RobertaConfig Config { get; }

    public Device Device { get; }

    /// <summary>The parameters' dtype (fp32 unless built or loaded for bf16 inference).</summary>
    public ScalarType DType { get; }

    /// <summary>fp32, or bf16 autocast for every forward of this model.</summary>
    public Precision Precision { get; set; } = Precision.Fp32;

    public Parameter WordEmbeddingWeight => roberta.Embeddings.WordEmbeddingWeight;

    /// <summary>The parameters by their Hugging Face names, each once (the tied decoder is not listed).</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters() => named_parameters().ToList();

    /// <summary>The last hidden state.</summary>
    /// <param name="inputIds">[batch, tokens] int64, at most <see cref="RobertaConfig.MaxSequenceLength"/> tokens.</param>
    /// <param name="attentionMask">[batch, tokens]: 1 for tokens, 0 for padding.</param>
    /// <returns>[batch, tokens, hidden], fp32 under autocast, else the model's dtype.</returns>
    public Tensor Encode(Tensor inputIds, Tensor attentionMask)
    {
        CheckInput(inputIds, attentionMask);
        using var autocast = Autocast.Enter(Precision);
        using var scope = NewDisposeScope();
        return roberta.forward(inputIds.to(Device), attentionMask.to(Device)).MoveToOuterDisposeScope();
    }

    /// <summary>MLM logits at chosen positions, gathered before the head runs.</summary>
    /// <param name="hidden">[batch, tokens, hidden] from <see cref="Encode"/>.</param>
    /// <param name="flatPositions">[n] int64 indices into the batch flattened to batch*tokens rows (b * tokens + t).</param>
    /// <returns>[n, vocab].</returns>
    public Tensor PredictAt(Tensor hidden, Tensor flatPositions)
    {
        using var autocast = Autocast.Enter(Precision);
        using var scope = NewDisposeScope();
        var rows = hidden.reshape(-1, hidden.shape[^1]).index_select(0, flatPositions.to(ScalarType.Int64).to(hidden.device));
        return lmHead.forward(rows, WordEmbeddingWeight).MoveToOuterDisposeScope();
    }

    /// <summary>MLM logits where <paramref name="predictMask"/> is true, in row-major (batch, token) order.</summary>
    /// <param name="predictMask">[batch, tokens] bool (or 0/1).</param>
    /// <returns>[number of true entries, vocab].</returns>
    public Tensor PredictMasked(Tensor hidden, Tensor predictMask)
    {
        using var scope = NewDisposeScope();
        return PredictAt(hidden, FlatPositions(predictMask)).MoveToOuterDisposeScope();
    }

    /// <summary>MLM logits at every position, [batch, tokens, vocab]: only for small vocabularies or checks.</summary>
    public Tensor PredictAll(Tensor hidden)
    {
        using var autocast = Autocast.Enter(Precision);
        using var scope = NewDisposeScope();
        return lmHead.forward(hidden, WordEmbeddingWeight).MoveToOuterDisposeScope();
    }

    /// <summary>Encode then predict: at the mask's true positions ([n, vocab]), or everywhere when it is null.</summary>
    public Tensor Forward(Tensor inputIds, Tensor attentionMask, Tensor? predictMask = null)
    {
        using var scope = NewDisposeScope();
        var hidden = Encode(inputIds, attentionMask);
        var logits = predictMask is null ? PredictAll(hidden) : PredictMasked(hidden, predictMask);
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>The indices (b * tokens + t) of a [batch, tokens] mask's true entries, int64 [n].</summary>
    public static Tensor FlatPositions(Tensor predictMask)
    {
        using var scope = NewDisposeScope();
        return predictMask.to(ScalarType.Bool).reshape(-1).nonzero().squeeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A copy with one new vocabulary row per entry of <paramref name="initFromIds"/> (ids
    /// vocab_size, vocab_size + 1, ...): its embedding is the mean of the listed existing rows, its
    /// LM bias 0. The decoder stays tied; train/eval mode and precision carry over. This model is left as it was.
    /// </summary>
    public RobertaForMaskedLM WithAddedTokens(IReadOnlyList<IReadOnlyList<long>> initFromIds)
    {
        ArgumentNullException.ThrowIfNull(initFromIds);
        for (var i = 0; i < initFromIds.Count; i++)
        {
            var ids = initFromIds[i];
            if (ids.Count == 0)
                throw new ArgumentException($"new token {i} has no rows to initialise from", nameof(initFromIds));
            foreach (var id in ids.Where(id => id < 0 || id >= Config.VocabSize))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"new token {i}: id {id} is outside the vocabulary (size {Config.VocabSize})"), nameof(initFromIds));
        }

        var grown = new RobertaForMaskedLM(Config with { VocabSize = Config.VocabSize + initFromIds.Count }, Device, DType) { Precision = Precision };
        grown.train(training);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var source = named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        foreach (var (name, target) in grown.named_parameters())
        {
            var old = source[name];
            if (name == StateDictKeys.WordEmbeddings)
            {
                var rows = initFromIds.Select(ids => old.index_select(0, tensor(ids.ToArray(), device: old.device)).mean([0], keepdim: true)).ToList();
                target.copy_(cat([old, .. rows], 0));
            }
            else if (name == StateDictKeys.LmBias)
            {
                target.copy_(cat([old, zeros(initFromIds.Count, dtype: old.dtype, device: old.device)], 0));
            }
            else
            {
                target.copy_(old);
            }
        }
        return grown;
    }

    private void Initialize(long seed)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var generator = new Generator(unchecked((ulong)seed), CPU);
        foreach (var (name, parameter) in named_parameters())
        {
            Tensor init;
            if (name.EndsWith("LayerNorm.weight", StringComparison.Ordinal) || name.EndsWith("layer_norm.weight", StringComparison.Ordinal))
            {
                init = ones(parameter.shape, ScalarType.Float32);
            }
            else if (name.EndsWith(".bias", StringComparison.Ordinal) || name == StateDictKeys.LmBias)
            {
                init = zeros(parameter.shape, ScalarType.Float32);
            }
            else
            {
                init = randn(parameter.shape, ScalarType.Float32, generator: generator) * Config.InitializerRange;
                if (name is StateDictKeys.WordEmbeddings or StateDictKeys.PositionEmbeddings)
                    init[Config.PadTokenId] = 0;
            }
            parameter.copy_(init.to(parameter.dtype, parameter.device));
        }
    }

    private void CheckInput(Tensor inputIds, Tensor attentionMask)
    {
        if (inputIds.dim() != 2 || inputIds.dtype != ScalarType.Int64)
            throw new ArgumentException($"input ids must be a [batch, tokens] int64 tensor, got {inputIds.dtype} [{string.Join(", ", inputIds.shape)}]", nameof(inputIds));
        if (!attentionMask.shape.SequenceEqual(inputIds.shape))
            throw new ArgumentException($"attention mask [{string.Join(", ", attentionMask.shape)}] does not match input ids [{string.Join(", ", inputIds.shape)}]", nameof(attentionMask));
        if (inputIds.shape[1] > Config.MaxSequenceLength)
            throw new ArgumentException($"{inputIds.shape[1]} tokens, but the model takes at most {Config.MaxSequenceLength} (max_position_embeddings {Config.MaxPositionEmbeddings})", nameof(inputIds));
    }
}
