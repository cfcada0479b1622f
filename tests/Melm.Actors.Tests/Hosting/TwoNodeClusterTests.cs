using Akka.Actor;
using Akka.Hosting;
using Melm.Actors.Coordinator;
using Melm.Actors.Hosting;
using Melm.Actors.Persistence;
using Melm.Actors.Protocol.Commands;
using Melm.Actors.Protocol.Queries;
using Melm.Actors.Tests.Support;
using Melm.Models.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Melm.Actors.Tests.Hosting;

/// <summary>
/// A coordinator node and a worker node in one process, joined over remoting on 127.0.0.1: every
/// work message crosses the wire through the Melm serializer. The worker node does all the work,
/// over plain TCP and over TLS.
/// </summary>
public sealed class TwoNodeClusterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private static IHost Node(MelmClusterOptions options, IWorkItemProcessorFactory? factory) =>
        Host.CreateDefaultBuilder()
            .ConfigureServices(services =>
            {
                if (factory is not null)
                    services.AddSingleton(factory);
                services.AddAkka(options.SystemName, (builder, _) => builder.AddMelmActors(options));
            })
            .Build();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AWorkerNodeDoesTheWorkOfACoordinatorNodesRun(bool tls)
    {
        var cancel = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var port = FreePorts.Next();
        var seed = $"akka.{(tls ? "ssl.tcp" : "tcp")}://melm@127.0.0.1:{port}";
        // Both nodes present the same self-signed certificate, which no root vouches for: validation is off.
        var certificate = tls ? new MelmTlsOptions { CertificatePath = TestCertificates.WritePfx(folder.Combine("node.pfx"), "pw"), CertificatePassword = "pw", SuppressValidation = true } : null;
        var common = new MelmClusterOptions
        {
            Persistence = MelmPersistenceOptions.SqliteFile(folder.Combine("journal.db")),
            SeedNodes = [seed],
            WorkerPollInterval = TimeSpan.FromMilliseconds(100),
            Tls = certificate,
        };
        var processor = new CountingProcessor();
        using var coordinatorNode = Node(common with { Roles = [MelmRoles.Coordinator], Port = port }, null);
        using var workerNode = Node(common with { Roles = [MelmRoles.Worker], Devices = ["cpu"], WorkerCapacity = 2 }, new SingleProcessor(processor));
        await coordinatorNode.StartAsync(cancel);
        await workerNode.StartAsync(cancel);
        try
        {
            var runs = coordinatorNode.Services.GetRequiredService<ActorRegistry>().Get<RunsManagerKey>();
            var spec = TestRuns.InFolder(folder);
            await runs.Ask<RunStatus>(new StartRun(spec), Timeout, cancel);
            var deadline = DateTime.UtcNow + Timeout;
            RunStatus status;
            do
            {
                await Task.Delay(100, cancel);
                status = await runs.Ask<RunStatus>(new GetRunStatus(spec.RunId), Timeout, cancel);
            }
            while (status.Stage != RunStages.Completed && DateTime.UtcNow < deadline);

            Assert.Equal(RunStages.Completed, status.Stage);
            Assert.Equal(18, processor.Calls);
            Assert.Equal(TestRuns.DirectOutput(spec), TestRuns.WrittenOutput(spec));
        }
        finally
        {
            await workerNode.StopAsync(CancellationToken.None);
            await coordinatorNode.StopAsync(CancellationToken.None);
        }
    }

    private sealed class SingleProcessor(IWorkItemProcessor processor) : IWorkItemProcessorFactory
    {
        public IWorkItemProcessor Create(string device) => processor;
    }
}
