using System.CommandLine;
using Melm.Models.Augmentation;
using Melm.Models.Checkpoints;
using Melm.Models.CodeMix;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Runs;
using Melm.Models.Text;
using Spectre.Console;
using Melm.Models.Mlm;

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
            var (result, augmentation) = Run(job, folder, () => compute.Read(parseResult).Apply("--device"), Console.WriteLine);
            Report(result, augmentation, folder);
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// Code-mixes the job's training files into <paramref name="folder"/> (the files `melm augment
    /// --codemix` reads): `melm codemix`, and the code-mix stage of a run on a worker.
    /// </summary>
    internal static (CodeMixResult Result, AugmentationSummary Summary) Run(CodeMixJob job, string folder, Func<TorchSharp.torch.Device> device, Action<string> say)
    {
        if (job.Random && (job.Vectors.Count > 0 || job.EncoderFolder is not null))
            throw new InputException("--random", null, "Code-Mix-random uses no vectors: leave out --vectors and --model");
        var (sentences, scheme) = ReadTraining(job.Train);
        CodeMixResult result;
        if (job.Random)
        {
            result = CodeMixer.MixRandom(sentences, scheme, job.Rounds, job.Seed);
        }
        else if (job.Vectors.Count > 0)
        {
            result = CodeMixer.MixNearest(sentences, scheme, job.Rounds, job.Seed, ReadVectors(job.Vectors, job.Train, sentences));
        }
        else if (job.EncoderFolder is { } modelFolder)
        {
            say($"no aligned vectors given: substitutes are chosen by the mean-pooled encoder states of {modelFolder}");
            using var mlm = ModelFolder.LoadMaskedLm(modelFolder, device());
            var tokenizer = XlmrTokenizer.Load(modelFolder);
            using var progress = new ConsoleProgress();
            result = CodeMixer.MixNearest(sentences, scheme, job.Rounds, job.Seed, new EncoderEmbeddings(mlm, tokenizer, progress: progress));
        }
        else
        {
            throw new InputException("--vectors", null, "give --vectors LANG=FILE for every training language, --model DIR for the encoder fallback, or --random");
        }
        var augmentation = AugmentationSummary.Build(result.Method, result.Description, sentences, result.Outcome, "none");
        var summary = new CodeMixSummary(job.Seed, job.Rounds, TagSchemes.Name(scheme),
            job.Train.ToDictionary(t => t.Lang, t => t.Path, StringComparer.Ordinal), augmentation, result.Counts);
        AugmentationOutput.Write(folder, sentences, result.Rewrites, summary);
        return (result, augmentation);
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

    // Every file is read before failing, so one run lists the problems of all of them.
    internal static (IReadOnlyList<Sentence> Sentences, TagScheme Scheme) ReadTraining(IReadOnlyList<LanguageFile> files)
    {
        var problems = new List<InputProblem>();
        var sentences = new List<Sentence>();
        var schemes = new List<(string Path, TagScheme Scheme)>();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (lang, path) in files)
        {
            try
            {
                var corpus = CorpusFile.Read(path, new ConllReadOptions { Language = lang, IdPrefix = lang });
                schemes.Add((path, TagSchemes.EnsureValid(corpus)));
                foreach (var sentence in corpus.Sentences)
                {
                    if (sentence.Lang is { } own && own != lang)
                        problems.Add(new InputProblem(path, sentence.FirstLine, $"sentence {sentence.Id} has language \"{own}\" but the file was given as {lang}="));
                    else if (!ids.TryAdd(sentence.Id, path))
                        problems.Add(new InputProblem(path, sentence.FirstLine, $"sentence id {sentence.Id} also occurs in {ids[sentence.Id]}"));
                    else
                        sentences.Add(sentence with { Lang = lang });
                }
            }
            catch (InputException e)
            {
                problems.AddRange(e.Problems);
            }
        }
        if (problems.Count > 0)
            throw new InputException(problems);
        var distinct = schemes.Select(s => s.Scheme).Distinct().ToArray();
        if (distinct.Length == 1)
            return (sentences, distinct[0]);
        // conlleval reads IOB1 and IOB2 alike, so mixed CoNLL-2002/2003 files can share IOB2 output tags.
        if (!distinct.Contains(TagScheme.Bioes))
            return (sentences, TagScheme.Iob2);
        throw new InputException(schemes.Select(s => new InputProblem(s.Path, null,
            $"tags are {TagSchemes.Name(s.Scheme)}: the training files mix BIOES with IOB; convert them to one scheme first")).ToArray());
    }

    private static AlignedVectorEmbedder ReadVectors(IReadOnlyList<LanguageFile> vectorFiles,
        IReadOnlyList<LanguageFile> trainFiles, IReadOnlyList<Sentence> sentences)
    {
        var trainLanguages = trainFiles.Select(t => t.Lang).ToHashSet(StringComparer.Ordinal);
        var problems = vectorFiles.Where(v => !trainLanguages.Contains(v.Lang))
            .Select(v => new InputProblem("--vectors", null, $"vectors for \"{v.Lang}\" but no --train file of that language")).ToList();
        problems.AddRange(trainFiles.Where(t => vectorFiles.All(v => v.Lang != t.Lang))
            .Select(t => new InputProblem("--vectors", null, $"no vectors for \"{t.Lang}\": give one file per training language, or none to use --model")));
        var byLanguage = new Dictionary<string, AlignedVectors>(StringComparer.Ordinal);
        foreach (var (lang, path) in vectorFiles.Where(v => trainLanguages.Contains(v.Lang)))
        {
            var wanted = sentences.Where(s => s.Lang == lang)
                .SelectMany(s => s.Entities().SelectMany(e => s.Tokens.Skip(e.Start).Take(e.Length)))
                .ToHashSet(StringComparer.Ordinal);
            try
            {
                byLanguage[lang] = AlignedVectors.Read(path, wanted);
            }
            catch (InputException e)
            {
                problems.AddRange(e.Problems);
            }
        }
        if (problems.Count > 0)
            throw new InputException(problems);
        return new AlignedVectorEmbedder(byLanguage);
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
