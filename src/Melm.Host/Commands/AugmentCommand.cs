using System.CommandLine;
using Melm.Actors.Protocol.Commands;
using Melm.Host.Cluster;
using Melm.Models.Augmentation;

namespace Melm.Host.Commands;

/// <summary>
/// `melm augment`: the whole pipeline for any method, as a run on a one-node cluster in this process:
/// the preparation stages (the filter's tagger, fine-tuning) and then R rounds of rewriting and
/// filtering, run by the same actors as a distributed run, then the output written.
/// </summary>
public static class AugmentCommand
{
    public static Command Create()
    {
        var options = new AugmentRunOptions();
        var command = new Command("augment", "Augment a gold NER training set with MELM or a baseline: rewrite R rounds, filter, and write aug.conll, aug.jsonl, train+aug.conll, train+aug.jsonl, summary.json.");
        foreach (var option in options.All)
            command.Options.Add(option);
        options.Melm.Compute.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            // Checks the device and sets the thread count for the worker of this process.
            var compute = options.Melm.Compute.Read(parseResult);
            compute.Apply("--device");
            var spec = options.Read(parseResult, LocalRun.DefaultShardSize, line => Console.WriteLine("note: " + line), precision: compute.Precision);
            LocalRun.Run(spec.OutputFolder, compute.Device, new StartRun(spec));
            var summary = AugmentationOutput.ReadSummary(spec.OutputFolder)
                ?? throw new InvalidOperationException($"run {spec.RunId} completed without writing {AugmentationOutput.SummaryFile}");
            Console.WriteLine($"{summary.Kept} rewrites of {summary.SentencesRead} sentences written to {spec.OutputFolder} (run {spec.RunId})");
            AugmentSummaryTable.Write(ConsoleOutput.Create(), summary);
            return 0;
        }));
        return command;
    }
}
