using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Persistence;
using Melm.Actors.Hosting;
using Melm.Models.Nn;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TorchSharp;

namespace Melm.Host.Cluster;

/// <summary>
/// A node's health checks, registered with Akka.Hosting and run by the HealthCheckService.
/// Liveness ("live": /healthz): the actor system runs and its default dispatcher answers a message.
/// Readiness ("ready": /ready, on top of liveness): the node is an Up member of the cluster; a
/// coordinator's journal answers a read; a worker's devices each hold a tensor.
/// </summary>
internal static class NodeHealth
{
    public const string Live = "live";
    public const string Ready = "ready";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static AkkaConfigurationBuilder WithMelmHealthChecks(this AkkaConfigurationBuilder builder, MelmClusterOptions options)
    {
        builder
            .WithActorSystemLivenessCheck(tags: [Live])
            .WithHealthCheck("dispatcher", DispatcherAnswersAsync, tags: [Live], timeout: Timeout)
            .WithAkkaClusterReadinessCheck(tags: [Ready]);
        if (options.HasRole(MelmRoles.Coordinator))
            builder.WithHealthCheck("journal", JournalAnswersAsync, tags: [Ready], timeout: Timeout);
        if (options.HasRole(MelmRoles.Worker))
        {
            var devices = options.Devices.ToArray();
            builder.WithHealthCheck("devices", (_, _, _) => Task.FromResult(DevicesHoldATensor(devices)), tags: [Ready], timeout: Timeout);
        }
        return builder;
    }

    /// <summary>Whether a check belongs to a probe: liveness runs the Live checks, readiness the Ready ones too.</summary>
    public static bool InProbe(HealthCheckRegistration check, bool readiness) =>
        check.Tags.Contains(Live) || (readiness && check.Tags.Contains(Ready));

    /// <summary>The user guardian answers an Identify: messages are being processed, not only queued.</summary>
    private static async Task<HealthCheckResult> DispatcherAnswersAsync(ActorSystem system, ActorRegistry registry, CancellationToken cancellationToken)
    {
        try
        {
            await system.ActorSelection("/user").Ask<ActorIdentity>(new Identify("health"), Timeout, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("the default dispatcher answers");
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return HealthCheckResult.Unhealthy($"the user guardian did not answer within {Timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>
    /// The journal plugin's own health (CheckJournalHealth), then a real read: the highest sequence
    /// number of an id no run uses, which costs the database one query and proves it answers.
    /// </summary>
    private static async Task<HealthCheckResult> JournalAnswersAsync(ActorSystem system, ActorRegistry registry, CancellationToken cancellationToken)
    {
        var journal = Persistence.Instance.Apply(system).JournalFor(null);
        try
        {
            var plugin = await journal.Ask<JournalHealthCheckResponse>(new CheckJournalHealth(cancellationToken), Timeout, cancellationToken).ConfigureAwait(false);
            if (plugin.Result.Status != PersistenceHealthStatus.Healthy)
                return HealthCheckResult.Unhealthy($"the journal reports {plugin.Result.Status}: {plugin.Result.Description}", plugin.Result.Exception);
            var read = await journal.Ask<object>(replyTo => new ReplayMessages(1, 0, 0, "melm-health-check", replyTo), Timeout, cancellationToken).ConfigureAwait(false);
            return read switch
            {
                RecoverySuccess => HealthCheckResult.Healthy("the journal answers a read"),
                ReplayMessagesFailure failure => HealthCheckResult.Unhealthy($"the journal cannot read: {failure.Cause.Message}"),
                var other => HealthCheckResult.Unhealthy($"the journal answered a read with {other.GetType().Name}"),
            };
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return HealthCheckResult.Unhealthy($"the journal did not answer within {Timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>Each device of the worker takes a one-element tensor and gives it back.</summary>
    private static HealthCheckResult DevicesHoldATensor(IReadOnlyList<string> devices)
    {
        var problems = new List<string>();
        foreach (var name in devices)
        {
            try
            {
                using var scope = torch.NewDisposeScope();
                var value = torch.ones(1, device: ComputeOptions.ParseDevice(name, "devices")).sum().cpu().item<float>();
                if (value != 1)
                    problems.Add($"{name}: a tensor of one 1 summed to {value}");
            }
            catch (Exception e)
            {
                problems.Add($"{name}: {e.Message}");
            }
        }
        return problems.Count == 0
            ? HealthCheckResult.Healthy($"a tensor on each of {string.Join(", ", devices)}")
            : HealthCheckResult.Unhealthy(string.Join("; ", problems));
    }
}
