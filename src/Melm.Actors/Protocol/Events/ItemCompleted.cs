using Melm.Models.Runs;

namespace Melm.Actors.Protocol.Events;

/// <summary>An accepted result; the journal holds the result itself (NER data is small), so recovery needs no other storage.</summary>
public sealed record ItemCompleted(string RunId, ItemKey Key, ItemResult Result) : IRunEvent;
