using System.CommandLine;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;

namespace Melm.Host.Commands;

/// <summary>`melm generate`: rewrites of the input's entities by a fine-tuned MELM model (paper 2.3).</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var options = new MelmOptions();
        var model = new Option<DirectoryInfo>("--model") { Description = "Fine-tuned folder (from `melm finetune`), or a pretrained MLM with --method mlm-entity.", Required = true };
        var input = new Option<FileInfo>("--input") { Description = "Sentences to rewrite (CoNLL columns or .jsonl).", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for aug.conll, aug.jsonl, train+aug.conll and summary.json.", Required = true };
        var command = new Command("generate", "Rewrite entity words with a masked-entity language model: R rounds, top-k sampling, labels kept.");
        foreach (var option in new Option[] { model, input, output, options.Method, options.Seed }.Concat(options.GenerationOptions))
            command.Options.Add(option);
        options.Compute.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var method = parseResult.GetResult(options.Method) is { Implicit: false } ? options.ReadMethod(parseResult) : (AugmentationMethod?)null;
            var generation = options.ReadGeneration(parseResult);
            var inputPath = parseResult.GetValue(input)!.FullName;
            var corpus = MelmOptions.ReadCorpus(inputPath);
            using var melm = MelmModel.Open(parseResult.GetValue(model)!.FullName, method, corpus.Sentences, options.ReadDevice(parseResult));
            var summary = GenerateAndWrite(melm, corpus, inputPath, generation, filter: null, parseResult.GetValue(output)!.FullName);
            AugmentSummaryTable.Write(ConsoleOutput.Create(), summary);
            return 0;
        }));
        return command;
    }

    /// <summary>Generates, filters when a tagger is given, writes the output files and returns the summary.</summary>
    internal static AugmentationSummary GenerateAndWrite(
        MelmModel model, Corpus corpus, string source, GenerationOptions options, IConsistencyFilter? filter, string outFolder)
    {
        using var generator = new MelmGenerator(model, options);
        GenerationResult result;
        using (var progress = new ConsoleProgress())
            result = generator.Generate(corpus.Sentences, progress, source);
        var kept = result.Kept;
        var dropped = result.Dropped.ToList();
        if (filter is not null)
        {
            var filtered = ConsistencyFilter.Apply(kept, filter, options.BatchSize);
            kept = filtered.Kept;
            dropped.AddRange(filtered.Dropped);
        }
        var summary = AugmentationSummary.Build(generator.MethodName, corpus.Sentences, result.Counts, kept, dropped, filter is null ? "none" : "ner");
        AugmentationOutput.Write(outFolder, corpus.Sentences, kept, summary);
        Console.WriteLine($"{summary.Kept} rewrites of {summary.SentencesRead} sentences written to {outFolder}");
        return summary;
    }
}
