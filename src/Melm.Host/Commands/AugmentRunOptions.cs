using System.CommandLine;
using Melm.Host.Cluster;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Ner;
using Melm.Models.Nn;
using Melm.Models.Runs;
using Melm.Models.CodeMix;
using Melm.Models.Mlm;
using Melm.Models.Tagging;

namespace Melm.Host.Commands;

/// <summary>
/// The options of a whole augmentation run and the run spec they make, the same for `melm augment`
/// (a one-node cluster in this process) and `melm submit` (a running cluster): the method's
/// fine-tuning and the filter's tagger become the run's preparation stages, which a worker runs
/// before the rounds, writing into the output folder. Every input is checked here, so bad input is
/// refused before a run exists.
/// </summary>
internal sealed class AugmentRunOptions
{
    public MelmOptions Melm { get; } = new(generateBatchName: "--generate-batch-size");

    public Option<DirectoryInfo> Model { get; } = new("--model") { Description = "Pretrained MLM folder (config.json, weights, sentencepiece.bpe.model); also the encoder of the filter's tagger.", Required = true };

    public Option<FileInfo?> Train { get; } = new("--train") { Description = "Gold training file (CoNLL columns or .jsonl). Give this, --codemix or --codemix-train." };

    public Option<DirectoryInfo?> CodeMix { get; } = new("--codemix")
    {
        Description = "A `melm codemix` output folder: augment its training sentences plus its code-mixed ones (paper 2.5), each entity marked with its own language. Give this, --train or --codemix-train.",
    };

    public Option<string[]> CodeMixTrain { get; } = new("--codemix-train")
    {
        Description = "Code-mix as the run's first stage (paper 2.5): a language's gold training file as LANG=FILE, one per language, at least two; the run then augments their sentences plus the code-mixed ones, as --codemix does with a `melm codemix` folder. Instead of --train and --codemix.",
    };

    public Option<string[]> CodeMixVectors { get; } = new("--codemix-vectors") { Description = "Aligned word vectors per language (LANG=FILE) for the code-mix stage; without them it uses --model's encoder states, or --codemix-random." };

    public Option<bool> CodeMixRandom { get; } = new("--codemix-random") { Description = "Code-Mix-random in the code-mix stage: any same-type mention of another language." };

    public Option<int> CodeMixRounds { get; } = new("--codemix-rounds") { Description = "Code-mixed sentences attempted per training sentence in the code-mix stage.", DefaultValueFactory = _ => 1 };

    public Option<FileInfo?> Dev { get; } = new("--dev") { Description = "Gold dev file, for the best fine-tuning epoch and the filter tagger's epoch." };

    public Option<DirectoryInfo> Out { get; } = new("--out") { Description = $"Folder for the outputs, the fine-tuned model ({AugmentPipeline.ModelSubfolder}/) and the filter's tagger ({AugmentPipeline.TaggerSubfolder}/); the same command resumes.", Required = true };

    public Option<string> Filter { get; } = new("--filter")
    {
        Description = $"Consistency filter (paper 2.4), for every method that rewrites: ner keeps the rewrites that an NER tagger trained on the gold data tags as intended; none keeps all. Without --tagger, the run trains that tagger on the gold data and --dev from --model (paper defaults, --tagger-epochs) into {AugmentPipeline.TaggerSubfolder}/ and reuses it when resumed.",
        DefaultValueFactory = _ => "ner",
    };

    public Option<string> FilterRule { get; } = new("--filter-rule")
    {
        Description = "What the ner filter asks of a rewrite: sentence (paper: every token tagged as intended), mentions (the rewritten mentions tagged exactly; a weak tagger's errors elsewhere no longer drop it) or no-worse (as many tokens tagged as intended as on the source sentence).",
        DefaultValueFactory = _ => "sentence",
    };

    public Option<DirectoryInfo?> Tagger { get; } = new("--tagger") { Description = "A trained NER tagger folder (melm ner train) to filter with, instead of training one." };

    public Option<int> TaggerEpochs { get; } = new("--tagger-epochs") { Description = "Epochs for the filter's tagger when the run trains it.", DefaultValueFactory = _ => new NerTrainingOptions { Seed = 0 }.Epochs };

    public Option<double> TaggerLearningRate { get; } = new("--tagger-lr") { Description = "AdamW learning rate of the filter's tagger when the run trains it (paper: 2e-5).", DefaultValueFactory = _ => new NerTrainingOptions { Seed = 0 }.LearningRate };

    /// <summary>The training stages' curves: OUT/tensorboard/filter-tagger and OUT/tensorboard/fine-tune by default.</summary>
    public TensorBoardArguments TensorBoard { get; } = new(stages: true);

    /// <summary>Every option, for a command to add.</summary>
    public IEnumerable<Option> All =>
        new Option[] { Model, Train, CodeMix, CodeMixTrain, CodeMixVectors, CodeMixRandom, CodeMixRounds, Dev, Out, Filter, FilterRule, Tagger, TaggerEpochs, TaggerLearningRate, Melm.Method, Melm.Seed }.Concat(Melm.FineTuneOptions).Concat(Melm.GenerationOptions).Concat(TensorBoard.Options);

    /// <summary>
    /// The run the options describe: its corpus (the --train file or the codemix folder), the model
    /// the items rewrite with (the fine-tuned folder under --out for MELM and its ablation, --model
    /// for MLM-Entity), the filter's tagger, and the stages that make them. Named after its contents
    /// unless <paramref name="runId"/> is given, so the same command names the same run. Dev entity
    /// types the training data lacks go to <paramref name="note"/>, one line each (DevTagCoverage.Notes).
    /// The stages that train (fine-tuning, the filter's tagger) train in <paramref name="precision"/>.
    /// </summary>
    public RunSpec Read(ParseResult parseResult, int shardSize, Action<string> note, string? runId = null, Precision precision = Precision.Fp32)
    {
        var method = Melm.ReadMethod(parseResult);
        var ruleName = parseResult.GetValue(FilterRule)!;
        var generation = Melm.ReadGeneration(parseResult) with
        {
            Filter = FilterRules.Parse(ruleName) ?? throw new InputException("--filter-rule", null, $"unknown rule '{ruleName}' (expected sentence, mentions or no-worse)"),
        };
        var outFolder = parseResult.GetValue(Out)!.FullName;
        var modelFolder = parseResult.GetValue(Model)!.FullName;
        var codeMixJob = CodeMixJobOf(parseResult, modelFolder);
        var (trainingPath, training) = codeMixJob is null
            ? ReadTraining(parseResult.GetValue(Train)?.FullName, parseResult.GetValue(CodeMix)?.FullName)
            : (Path.Combine(outFolder, CodeMixSubfolder), CodeMixGold(codeMixJob));
        var devPath = parseResult.GetValue(Dev)?.FullName;
        // The dev data is checked now, not when a worker's stage reads it.
        var dev = devPath is null ? null : MelmOptions.ReadCorpus(devPath);
        if (shardSize < 1)
            throw new InputException("--shard-size", null, $"must be at least 1, got {shardSize}");

        string? taggerFolder = null;
        FilterTaggerJob? taggerJob = null;
        // Gold-only makes no rewrites, so there is nothing to filter and no tagger to train.
        if (method != AugmentationMethod.GoldOnly)
        {
            (taggerFolder, taggerJob) = parseResult.GetValue(Filter)!.ToLowerInvariant() switch
            {
                "none" => (null, null),
                "ner" => FilterTaggerOf(parseResult, modelFolder, devPath, outFolder, precision),
                var other => throw new InputException("--filter", null, $"unknown filter '{other}' (expected none or ner)"),
            };
        }
        // The stages that fine-tune MELM with markers or train the filter's tagger on the gold data give
        // dev tags the gold data lacks markers and labels of their own: say so once, here.
        if (dev is not null && ((AugmentationMethods.IsFineTuned(method) && AugmentationMethods.UsesMarkers(method)) || taggerJob is not null))
        {
            foreach (var line in DevTagCoverage.Notes(training.Sentences, dev.Sentences, devPath!))
                note(line);
        }
        if ((AugmentationMethods.UsesMaskedLm(method) || taggerJob is not null || codeMixJob?.EncoderFolder is not null) && !Directory.Exists(modelFolder))
            throw new InputException(modelFolder, null, "the model folder (--model) does not exist");
        FineTuneJob? fineTuneJob = null;
        var rewriterFolder = modelFolder;
        if (AugmentationMethods.IsFineTuned(method))
        {
            var fineTune = Melm.ReadFineTune(parseResult) with { Precision = precision };
            MelmFineTuner.CheckOptions(fineTune);
            fineTuneJob = new FineTuneJob(modelFolder, devPath, fineTune, Melm.ReadLanguages(parseResult) ?? []);
            rewriterFolder = Path.Combine(outFolder, AugmentPipeline.ModelSubfolder);
        }
        var inputs = new RunInputs(trainingPath, rewriterFolder, AugmentationMethods.Name(method), taggerFolder, generation);
        var (curvesFolder, noCurves) = TensorBoard.ReadSetting(parseResult);
        var preparation = taggerJob is null && fineTuneJob is null && codeMixJob is null ? null : new RunPreparation(taggerJob, fineTuneJob, CodeMix: codeMixJob)
        {
            TensorBoardFolder = curvesFolder,
            NoTensorBoard = noCurves ? true : null,
        };
        // A code-mixed corpus is written by its stage; its sentences are the run's once it has run.
        return RunSpecs.For(codeMixJob is null ? training : training with { Sentences = [] }, inputs, shardSize, outFolder, preparation, runId);
    }

    /// <summary>The subfolder of the output the code-mix stage writes (a `melm codemix` folder).</summary>
    public const string CodeMixSubfolder = "codemix";

    /// <summary>The code-mix stage the --codemix-* options ask for, or null.</summary>
    private CodeMixJob? CodeMixJobOf(ParseResult parseResult, string modelFolder)
    {
        var trainFiles = CodeMixCommand.Pairs("--codemix-train", parseResult.GetValue(CodeMixTrain) ?? []);
        if (trainFiles.Length == 0)
            return null;
        if (parseResult.GetValue(Train) is not null || parseResult.GetValue(CodeMix) is not null)
            throw new InputException("--codemix-train", null, "the code-mix stage makes the run's training sentences: give --codemix-train, or --train, or --codemix");
        if (trainFiles.Length < 2)
            throw new InputException("--codemix-train", null, "code-mixing needs the training files of at least two languages");
        var rounds = parseResult.GetValue(CodeMixRounds);
        if (rounds < 1)
            throw new InputException("--codemix-rounds", null, $"must be positive, got {rounds}");
        var vectors = CodeMixCommand.Pairs("--codemix-vectors", parseResult.GetValue(CodeMixVectors) ?? []);
        var random = parseResult.GetValue(CodeMixRandom);
        if (random && vectors.Length > 0)
            throw new InputException("--codemix-random", null, "Code-Mix-random uses no vectors: leave out --codemix-vectors");
        return new CodeMixJob(trainFiles, vectors, random || vectors.Length > 0 ? null : modelFolder, random, rounds, parseResult.GetValue(Melm.Seed));
    }

    /// <summary>The gold sentences the code-mix stage will read, read now so bad files are refused before the run starts.</summary>
    private static Corpus CodeMixGold(CodeMixJob job) =>
        new(string.Join(",", job.Train.Select(t => t.Path)), CodeMixRun.ReadTraining(job.Train).Sentences);

    /// <summary>A given tagger folder (checked now, so a wrong one is bad input, not a failed run later), or a stage that trains one into the output folder.</summary>
    private (string Folder, FilterTaggerJob? Job) FilterTaggerOf(ParseResult parseResult, string modelFolder, string? devPath, string outFolder, Precision precision)
    {
        if (parseResult.GetValue(Tagger)?.FullName is { } given)
        {
            if (!File.Exists(Path.Combine(given, TaggerFolder.MetadataFileName)))
                throw new InputException(given, null, $"not a tagger folder (no {TaggerFolder.MetadataFileName}); train one with melm ner train");
            return (given, null);
        }
        if (devPath is null)
            throw new InputException("--dev", null, AugmentPipeline.NeedsDev);
        var options = new NerTrainingOptions { Seed = parseResult.GetValue(Melm.Seed), Epochs = parseResult.GetValue(TaggerEpochs), LearningRate = parseResult.GetValue(TaggerLearningRate), Precision = precision };
        var problems = options.Check("filter tagger (--tagger-epochs, --tagger-lr)");
        if (problems.Count > 0)
            throw new InputException(problems);
        return (Path.Combine(outFolder, AugmentPipeline.TaggerSubfolder), new FilterTaggerJob(modelFolder, devPath, options));
    }

    /// <summary>
    /// The path the run reads its sentences from (the --train file or the codemix folder) and the
    /// sentences to augment: the --train file, or a codemix folder's training sentences plus its
    /// code-mixed ones.
    /// </summary>
    private static (string Path, Corpus Training) ReadTraining(string? trainPath, string? codemixFolder) =>
        (trainPath, codemixFolder) switch
        {
            ({ } path, null) => (path, MelmOptions.ReadCorpus(path)),
            (null, { } folder) => (folder, TrainingSet.Read(folder).Training),
            (null, null) => throw new InputException("--train", null, "give the gold training file (--train), or a `melm codemix` output folder (--codemix)"),
            _ => throw new InputException("--codemix", null, "the codemix folder holds its own training sentences: give --train or --codemix, not both"),
        };
}
