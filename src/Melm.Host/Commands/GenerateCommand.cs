using System.CommandLine;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Mlm;
using Melm.Models.Runs;

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
            var corpus = MelmOptions.ReadCorpus(parseResult.GetValue(input)!.FullName);
            var rewriter = Open(parseResult.GetValue(model)!.FullName, method, corpus.Sentences, generation, options.ReadDevice(parseResult));
            using var owned = rewriter as IDisposable;
            AugmentationSummary summary;
            using (var progress = new ConsoleProgress())
                summary = AugmentPipeline.RunAndWrite(rewriter, corpus, generation.Rounds, filter: null, generation.BatchSize, parseResult.GetValue(output)!.FullName, progress: progress, say: Console.WriteLine);
            AugmentSummaryTable.Write(ConsoleOutput.Create(), summary);
            return 0;
        }));
        return command;
    }

    /// <summary>A fine-tuned folder as it is (refusing another --method), or a pretrained one for mlm-entity.</summary>
    private static IRewriter Open(string folder, AugmentationMethod? method, IReadOnlyList<Sentence> sentences, GenerationOptions generation, TorchSharp.torch.Device device)
    {
        if (method is { } asked)
        {
            return AugmentationMethods.UsesMaskedLm(asked)
                ? Rewriters.Open(asked, folder, sentences, generation, device)
                : throw new InputException("--method", null, $"{AugmentationMethods.Name(asked)} uses no masked LM: run it with `melm augment --method {AugmentationMethods.Name(asked)}`");
        }
        return new MelmGenerator(MelmModel.Load(folder, device), generation, ownsModel: true);
    }
}
