namespace Melm.Models.Pretraining;

/// <summary>One `melm mlm` input: the model input ids of a line (its &lt;mask&gt; ids are the positions to predict).</summary>
/// <param name="Line">1-based line of the input file.</param>
public sealed record MlmQuery(int Line, long[] InputIds);
