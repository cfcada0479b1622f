using Akka;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Persistence.Sql;
using Akka.Remote.Hosting;
using Melm.Actors.Coordinator;
using Melm.Actors.Persistence;
using Melm.Actors.Protocol;
using Melm.Actors.Workers;
using Melm.Models.Runs;

namespace Melm.Actors.Hosting;

public static class MelmActorsHosting
{
    public const string RunsManagerName = "runs";

    /// <summary>
    /// Sets up a Melm node: remoting (with TLS when configured), clustering with its roles and a keep-majority split-brain
    /// resolver, SQL persistence, the Melm serializer, the runs manager singleton (hosted on
    /// coordinator nodes, reached through a proxy everywhere) and, on worker nodes, one model worker
    /// per device with a processor from the IWorkItemProcessorFactory in the service container.
    /// </summary>
    public static AkkaConfigurationBuilder AddMelmActors(this AkkaConfigurationBuilder builder, MelmClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        builder
            .WithRemoting(options.Hostname, options.Port)
            .WithClustering(new ClusterOptions
            {
                Roles = options.Roles.ToArray(),
                SeedNodes = options.SeedNodes.ToArray(),
                SplitBrainResolver = new KeepMajorityOption(),
            })
            .WithMelmPersistence(options.Persistence)
            .AddHocon(
                $"akka.loglevel = {options.LogLevel}\nakka.cluster.split-brain-resolver.stable-after = {(int)options.DownUnreachableAfter.TotalMilliseconds}ms",
                HoconAddMode.Prepend);
        if (options.Tls is { } tls)
            builder.AddHocon(tls.ToConfig(), HoconAddMode.Prepend);

        var singleton = new ClusterSingletonOptions { Role = MelmRoles.Coordinator };
        if (options.HasRole(MelmRoles.Coordinator))
        {
            // Only the coordinator writes the journal; a worker node leaves no journal file behind.
            options.Persistence.UseWriteAheadLog();
            // A journal of a newer Melm stops the node here, with the entry named, not in the runs' recovery.
            options.Persistence.CheckJournalFormat();
            // The proxy on the singleton's own node warns while the cluster forms (every augment printed it);
            // a worker-only node keeps the warning, where it means the coordinator cannot be reached.
            builder.AddHocon("akka.cluster.singleton-proxy.log-singleton-identification-failure = off", HoconAddMode.Prepend);
            builder.WithSingleton<RunsManagerKey>(RunsManagerName, RunsManagerSupervisor.Props(options.Coordinator with { Journal = options.Persistence.Name }), singleton, createProxyToo: true);
        }
        else
            builder.WithSingletonProxy<RunsManagerKey>(RunsManagerName, singleton);

        if (options.SeedNodes.Count == 0)
        {
            builder.WithActors((system, _) =>
            {
                var cluster = Cluster.Get(system);
                cluster.Join(cluster.SelfAddress);
            });
        }

        if (options.HasRole(MelmRoles.Worker))
        {
            builder.WithActors((system, registry, resolver) =>
            {
                var factory = resolver.GetService<IWorkItemProcessorFactory>();
                var runs = registry.Get<RunsManagerKey>();
                var node = Cluster.Get(system).SelfAddress;
                var workers = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
                foreach (var device in options.Devices)
                {
                    var settings = new WorkerSettings($"{node.Host}:{node.Port}/{device}", options.WorkerCapacity, options.WorkerPollInterval, options.WorkerPrefetch);
                    var name = "worker-" + Uri.EscapeDataString(device).Replace("%", "_", StringComparison.Ordinal);
                    var worker = system.ActorOf(ModelWorker.Props(settings, runs, factory.Create(device)), name);
                    workers[device] = worker;
                    // First phase of a graceful shutdown, while the node is still a member: its items go back now.
                    CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "melm-" + name + "-leave",
                        async () =>
                        {
                            try
                            {
                                return await worker.Ask<Done>(ModelWorker.Leave.Instance, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                            }
                            catch (AskTimeoutException)
                            {
                                // The cluster still downs or removes the node; the items come back then.
                                return Done.Instance;
                            }
                        });
                }
                system.ActorOf(WorkerDirectory.Props(workers), WorkerDirectory.Name);
            });
        }
        return builder;
    }

    /// <summary>Journal and snapshot store on the given database, and the Melm serializer for everything they store.</summary>
    public static AkkaConfigurationBuilder WithMelmPersistence(this AkkaConfigurationBuilder builder, MelmPersistenceOptions persistence)
    {
        ArgumentNullException.ThrowIfNull(persistence);
        return builder
            .AddHocon(persistence.ToConfig(), HoconAddMode.Prepend)
            .AddHocon(SqlPersistence.DefaultConfiguration, HoconAddMode.Append)
            .WithCustomSerializer("melm", [typeof(IMelmMessage)], system => new MelmSerializer(system, persistence.ToString()));
    }
}
