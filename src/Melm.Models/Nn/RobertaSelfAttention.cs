using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Melm.Models.Nn;

/// <summary>Multi-head scaled dot-product self-attention (`attention.self.{query,key,value}`).</summary>
public sealed class RobertaSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly RobertaConfig config;

    public RobertaSelfAttention(RobertaConfig config, Device device, ScalarType dtype) : base(nameof(RobertaSelfAttention))
    {
        this.config = config;
        query = nn.Linear(config.HiddenSize, config.HiddenSize, device: device, dtype: dtype);
        key = nn.Linear(config.HiddenSize, config.HiddenSize, device: device, dtype: dtype);
        value = nn.Linear(config.HiddenSize, config.HiddenSize, device: device, dtype: dtype);
        register_module("query", query);
        register_module("key", key);
        register_module("value", value);
    }

    /// <param name="hidden">[batch, tokens, hidden].</param>
    /// <param name="maskBias">[batch, 1, 1, tokens]: 0 where a key may be attended, the dtype's minimum at padding.</param>
    public override Tensor forward(Tensor hidden, Tensor maskBias)
    {
        using var scope = NewDisposeScope();
        var q = Heads(Autocast.Linear(hidden, query.weight!, query.bias));
        var k = Heads(Autocast.Linear(hidden, key.weight!, key.bias));
        var v = Heads(Autocast.Linear(hidden, value.weight!, value.bias));
        var dropout = training ? config.AttentionProbsDropoutProb : 0.0;
        Tensor context;
        if (Autocast.IsEnabled && q.dtype == ScalarType.Float32)
        {
            context = nn.functional.scaled_dot_product_attention(
                q.to(ScalarType.BFloat16), k.to(ScalarType.BFloat16), v.to(ScalarType.BFloat16),
                maskBias.to(ScalarType.BFloat16), dropout, false).to(ScalarType.Float32);
        }
        else
        {
            context = nn.functional.scaled_dot_product_attention(q, k, v, maskBias.to(q.dtype), dropout, false);
        }
        var (batch, tokens) = (hidden.shape[0], hidden.shape[1]);
        return context.transpose(1, 2).reshape(batch, tokens, config.HiddenSize).MoveToOuterDisposeScope();
    }

    private Tensor Heads(Tensor x) =>
        x.view(x.shape[0], x.shape[1], config.NumAttentionHeads, config.HeadSize).transpose(1, 2);
}
