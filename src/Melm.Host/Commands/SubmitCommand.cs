using System.CommandLine;
using Melm.Actors.Coordinator;
using Melm.Host.Cluster;
using Melm.Models.Augmentation;
using Melm.Models.Diagnostics;
using Melm.Models.Runs;

namespace Melm.Host.Commands;

/// <summary>
/// `melm submit`: hands an augmentation run (rounds and filter) to a running cluster through its coordinator's status
/// endpoint. Paths must name the same files on every node (shared storage).
/// </summary>
public static class SubmitCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static Command Create()
    {
        var options = new MelmOptions();
        var url = UrlOption();
        var model = new Option<DirectoryInfo>("--model") { Description = "Fine-tuned MELM folder (melm finetune or augment's melm-model/), or a pretrained one with --method mlm-entity; label-wise and gold-only use none.", Required = true };
        var train = new Option<FileInfo>("--train") { Description = "The gold corpus to rewrite (CoNLL columns or .jsonl).", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder the coordinator writes aug.conll, aug.jsonl, train+aug.conll, train+aug.jsonl and summary.json to.", Required = true };
        var tagger = new Option<DirectoryInfo?>("--tagger") { Description = "NER tagger folder for the consistency filter; without it nothing is filtered." };
        var shardSize = new Option<int>("--shard-size") { Description = "Sentences per work item.", DefaultValueFactory = _ => LocalRun.DefaultShardSize };
        var runId = new Option<string?>("--run-id") { Description = "Name of the run (default: augment- and a hash of its settings, so the same submission names the same run)." };
        var wait = new Option<bool>("--wait") { Description = "Wait until the run ends; exit code 1 when it stops without completing." };
        var command = new Command("submit", "Submit an augmentation run (R rounds of --method, then the filter) to a cluster (melm node) and print its status.");
        foreach (var option in new Option[] { url, model, train, output, tagger, options.Method, options.Seed, shardSize, runId, wait }.Concat(options.GenerationOptions))
            command.Options.Add(option);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var address = StatusClient.Check(parseResult.GetValue(url)!).ToString();
            var method = options.ReadMethod(parseResult);
            var trainPath = parseResult.GetValue(train)!.FullName;
            var corpus = MelmOptions.ReadCorpus(trainPath);
            if (parseResult.GetValue(shardSize) < 1)
                throw new InputException("--shard-size", null, $"must be at least 1, got {parseResult.GetValue(shardSize)}");
            var inputs = new RunInputs(trainPath, parseResult.GetValue(model)!.FullName, AugmentationMethods.Name(method),
                parseResult.GetValue(tagger)?.FullName, options.ReadGeneration(parseResult));
            var spec = RunSpecs.For(corpus, inputs, parseResult.GetValue(shardSize), parseResult.GetValue(output)!.FullName, parseResult.GetValue(runId));
            using var client = new StatusClient(address);
            var status = client.SubmitAsync(spec).GetAwaiter().GetResult();
            Console.WriteLine($"run {status.RunId}: {status.Stage}, {status.Done}/{status.Total} items done");
            if (!parseResult.GetValue(wait))
                return 0;
            while (status.Stage is not (RunStages.Completed or RunStages.Cancelled or RunStages.Failed) && status.Error is null)
            {
                Thread.Sleep(PollInterval);
                status = client.StatusAsync().GetAwaiter().GetResult().Runs.Single(r => r.RunId == spec.RunId).Status;
            }
            Console.WriteLine($"run {status.RunId}: {status.Stage}, {status.Done}/{status.Total} items done{(status.Error is null ? "" : "; " + status.Error)}");
            return status.Stage == RunStages.Completed ? 0 : Cli.Failed;
        }));
        return command;
    }

    /// <summary>The coordinator's status endpoint, shared by submit, status, resume and cancel.</summary>
    internal static Option<string> UrlOption() => new("--url")
    {
        Description = $"The coordinator's status endpoint (melm node --status-port).",
        DefaultValueFactory = _ => $"http://127.0.0.1:{NodeCommand.DefaultStatusPort}",
    };
}
