namespace Melm.Actors.Protocol;

/// <summary>A message about one run: the runs manager routes it to that run's coordinator.</summary>
public interface IWithRunId : IMelmMessage
{
    string RunId { get; }
}
