namespace Melm.Models.Sequences;

/// <summary>
/// A slice of a long sentence that fits the model: tokens [Start, End) go in; predictions are kept
/// only for the core tokens [CoreStart, CoreEnd), so every token is predicted exactly once and
/// with context on both sides.
/// </summary>
public readonly record struct WordWindow(int Start, int End, int CoreStart, int CoreEnd);
