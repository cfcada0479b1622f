namespace Melm.Models.Pretraining;

/// <summary>A vocabulary entry with its score at one masked position.</summary>
/// <param name="Piece">The tokenizer's piece, or null for a model row the tokenizer has no id for (vocabularies padded to a round size).</param>
public sealed record TokenScore(int Id, string? Piece, float Logit);

/// <summary>What the model predicts at one &lt;mask&gt;: the top entries and the row's logsumexp (log of the softmax denominator).</summary>
public sealed record MaskPrediction(int Position, IReadOnlyList<TokenScore> Top, float LogSumExp);

/// <summary>The predictions for one input line, and its last hidden state ([tokens][hidden]) when asked for.</summary>
public sealed record MlmPrediction(int Line, IReadOnlyList<MaskPrediction> Masks, float[][]? Hidden);
