using System.CommandLine;
using Melm.Models.Augmentation;
using Melm.Models.CodeMix;
using Melm.Models.Diagnostics;
using Melm.Models.Runs;
using Spectre.Console;

namespace Melm.Host.Commands;

/// <summary>`melm codemix`: code-mixed training sentences for multilingual MELM (paper 2.5), or Code-Mix-random.</summary>
public static class CodeMixCommand
{
    public static Command Create()
    {
        var train = new Option<string[]>("--train") { Description = "A language's training file as LANG=FILE (CoNLL columns or .jsonl); one per language, at least two.", Required = true };
        var vectors = new Option<string[]>("--vectors") { Description = "Aligned word vectors of a language as LANG=FILE (MUSE / fastText .vec text); one per training language." };
        var model = new Option<DirectoryInfo?>("--model") { Description = "MLM folder whose mean-pooled encoder states stand in for aligned vectors when no --vectors are given." };
        var compute = new ComputeArguments();
        var random = new Option<bool>("--random") { Description = "Code-Mix-random: a uniformly random target mention instead of the most similar one." };
        var rounds = new Option<int>("--rounds") { Description = "Code-mixed sentences attempted per training sentence.", DefaultValueFactory = _ => 1 };
        var seed = new Option<ulong>("--seed") { Description = "Run seed; every draw comes from (seed, method, sentence id, round).", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for aug.conll, aug.jsonl, train+aug.conll, train+aug.jsonl, substitutions.jsonl and summary.json (created if missing); `melm augment --codemix` reads it.", Required = true };
        var command = new Command("codemix", "Replace each entity by a same-type entity of another language: the most similar one (aligned vectors or encoder states) or, with --random, any.");
        foreach (var option in new Option[] { train, vectors, model, random, rounds, seed, output })
            command.Options.Add(option);
        compute.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var roundCount = parseResult.GetValue(rounds);
            if (roundCount <= 0)
                throw new InputException("--rounds", null, $"must be positive, got {roundCount}");
            var trainFiles = Pairs("--train", parseResult.GetValue(train) ?? []);
            var vectorFiles = Pairs("--vectors", parseResult.GetValue(vectors) ?? []);
            var job = new CodeMixJob(trainFiles, vectorFiles, parseResult.GetValue(model)?.FullName, parseResult.GetValue(random), roundCount, parseResult.GetValue(seed));
            var folder = parseResult.GetValue(output)!.FullName;
            (CodeMixResult result, AugmentationSummary augmentation) mixed;
            using (var progress = new ConsoleProgress())
                mixed = CodeMixRun.Run(job, folder, () => compute.Read(parseResult).Apply("--device"), Console.WriteLine, progress);
            var (result, augmentation) = mixed;
            Report(result, augmentation, folder);
            return 0;
        }));
        return command;
    }

    /// <summary>LANG=FILE values, each language once.</summary>
    internal static LanguageFile[] Pairs(string option, string[] values)
    {
        var problems = new List<InputProblem>();
        var pairs = new List<LanguageFile>();
        foreach (var value in values)
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == value.Length - 1)
            {
                problems.Add(new InputProblem(option, null, $"\"{value}\": expected LANG=FILE, e.g. en=train.txt"));
                continue;
            }
            var lang = value[..equals];
            if (pairs.Any(p => p.Lang == lang))
                problems.Add(new InputProblem(option, null, $"language \"{lang}\" is given twice"));
            else
                pairs.Add(new LanguageFile(lang, Path.GetFullPath(value[(equals + 1)..])));
        }
        if (problems.Count > 0)
            throw new InputException(problems);
        return pairs.ToArray();
    }

    private static void Report(CodeMixResult result, AugmentationSummary summary, string folder)
    {
        Console.WriteLine($"{summary.Kept} code-mixed sentences from {summary.SentencesRead} training sentences into {folder}");
        var console = ConsoleOutput.Create();
        AugmentSummaryTable.Write(console, summary);
        var table = new Table().AddColumns("source", "target", "type", "substituted", "fallbacks", "kept as is");
        foreach (var count in result.Counts)
        {
            table.AddRow(count.SourceLang, count.TargetLang ?? "(none)", count.Type,
                count.Substituted.ToString(System.Globalization.CultureInfo.InvariantCulture),
                count.Fallbacks.ToString(System.Globalization.CultureInfo.InvariantCulture),
                count.Kept.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        console.Write(table);
        foreach (var kept in result.Counts.Where(c => c.TargetLang is null))
            Console.WriteLine($"note: no other language has {kept.Type} mentions, so {kept.Kept} {kept.SourceLang} {kept.Type} mentions were kept as they were");
        var fallbacks = result.Counts.Sum(c => c.Fallbacks);
        if (fallbacks > 0)
            Console.WriteLine($"note: {fallbacks} substitutes were drawn at random because a vector was missing (the fallbacks column; the substitution log names each one's reason)");
    }
}
