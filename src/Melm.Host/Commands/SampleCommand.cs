using System.CommandLine;
using Melm.Models.Data;

namespace Melm.Host.Commands;

/// <summary>`melm sample`: the paper's low-resource train and dev sets, seeded and recorded in a manifest.</summary>
public static class SampleCommand
{
    public static Command Create()
    {
        var train = new Option<FileInfo>("--train") { Description = "Full training file (CoNLL columns or .jsonl).", Required = true };
        var dev = new Option<FileInfo>("--dev") { Description = "Full development file (CoNLL columns or .jsonl).", Required = true };
        var n = new Option<int>("--n") { Description = "Sentences to draw from each file (the paper uses 100, 200, 400, 800).", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the draw; the same seed and files give the same sample.", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for train.txt, dev.txt and manifest.json (created if missing).", Required = true };
        var command = new Command("sample", "Draw N random sentences of train and of dev (paper, section 3.1) and write them with a manifest.");
        foreach (var option in new Option[] { train, dev, n, seed, output })
            command.Options.Add(option);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var trainPath = parseResult.GetValue(train)!.FullName;
            var devPath = parseResult.GetValue(dev)!.FullName;
            var corpora = CorpusFile.ReadAll([trainPath, devPath]);
            var (trainCorpus, devCorpus) = (corpora[0], corpora[1]);
            var size = parseResult.GetValue(n);
            var folder = parseResult.GetValue(output)!.FullName;
            var manifest = LowResourceSample.Write(trainCorpus, devCorpus, size, parseResult.GetValue(seed), folder);
            Console.WriteLine($"sampled {size} of {manifest.Train.SourceSentences} train and {size} of {manifest.Dev.SourceSentences} dev sentences (seed {manifest.Seed}) into {folder}");
            return 0;
        }));
        return command;
    }
}
