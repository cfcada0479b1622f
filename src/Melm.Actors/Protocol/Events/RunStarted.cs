using Melm.Models.Runs;

namespace Melm.Actors.Protocol.Events;

public sealed record RunStarted(RunSpec Spec) : IRunEvent
{
    public string RunId => Spec.RunId;
}
