using Akka.Actor;
using Melm.Actors.Protocol.Queries;

namespace Melm.Actors.Workers;

/// <summary>
/// One per worker node, at /user/workers: answers GetNodeWorkers with every model worker's status,
/// so `melm cluster show` learns a node's devices and current items with one question per node
/// instead of guessing the workers' names. The workers answer while their items run.
/// </summary>
public sealed class WorkerDirectory : ReceiveActor
{
    public const string Name = "workers";
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public WorkerDirectory(IReadOnlyDictionary<string, IActorRef> workers)
    {
        Receive<GetNodeWorkers>(_ =>
        {
            var asks = workers.Select(async worker =>
            {
                try
                {
                    return (worker.Key, Status: await worker.Value.Ask<WorkerStatus>(new GetWorkerStatus(), AskTimeout).ConfigureAwait(false));
                }
                catch (AskTimeoutException)
                {
                    return (worker.Key, Status: (WorkerStatus?)null);
                }
            }).ToArray();
            Task.WhenAll(asks).PipeTo(Sender, success: answers => new NodeWorkers(
                [.. answers.Where(a => a.Status is not null).Select(a => a.Status!)],
                [.. answers.Where(a => a.Status is null).Select(a => a.Key)]));
        });
    }

    /// <param name="workers">The node's model workers by device.</param>
    public static Props Props(IReadOnlyDictionary<string, IActorRef> workers) => Akka.Actor.Props.Create(() => new WorkerDirectory(workers));
}
