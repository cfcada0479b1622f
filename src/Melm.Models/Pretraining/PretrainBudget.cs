namespace Melm.Models.Pretraining;

/// <summary>Where this invocation stops early (the run resumes from there when started again).</summary>
/// <param name="Steps">Stop once this many steps are done in all (counting earlier invocations).</param>
/// <param name="Minutes">Stop after this many minutes of training in this invocation.</param>
public sealed record PretrainBudget(int? Steps = null, double? Minutes = null);
