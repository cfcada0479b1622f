using System.Globalization;
using System.Text.Json;
using Melm.Models.Augmentation;
using Melm.Models.Diagnostics;
using Melm.Models.Ner;
using Melm.Models.Runs;

namespace Melm.Host.Experiments;

/// <summary>
/// A grid file (`melm experiment --grid FILE`): the paper's experiments as data. JSON, documented in
/// benchmarks/grids/README.md; paths in it are relative to the file. Every field is checked before
/// anything runs, and each problem names the file and the field.
/// </summary>
public static class GridFile
{
    private static readonly string[] TopLevel = ["description", "conll", "model", "out", "seeds", "tagger", "melm", "generation", "monolingual", "cross_lingual", "multilingual", "oracle"];

    /// <summary>
    /// The grid's settings, its fields and its data checked; <paramref name="conll"/>,
    /// <paramref name="model"/> and <paramref name="out"/> (from the command line) replace the file's.
    /// </summary>
    public static ExperimentSettings Read(string path, string? conll = null, string? model = null, string? @out = null)
    {
        var settings = Parse(path, conll, model, @out);
        CheckData(path, settings);
        return settings;
    }

    /// <summary>The grid's settings with every field checked, the files they name not yet looked at.</summary>
    public static ExperimentSettings Parse(string path, string? conll = null, string? model = null, string? @out = null)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new InputException(path, null, "grid file not found");
        var folder = Path.GetDirectoryName(full)!;
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(full), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InputException(path, (int?)(e.LineNumber + 1), $"not valid JSON: {e.Message}");
        }
        var reader = new FieldReader(path);
        if (root.ValueKind != JsonValueKind.Object)
            throw new InputException(path, null, "a grid file is a JSON object");
        reader.NoUnknown(root, "", TopLevel);
        if (!root.TryGetProperty("monolingual", out _) && !root.TryGetProperty("multilingual", out _))
            reader.Problem("monolingual", "missing: a grid needs a monolingual or a multilingual setting, or both");

        string Resolve(string given) => Path.GetFullPath(Path.Combine(folder, given));
        var conllRoot = conll ?? (reader.String(root, "conll") is { } c ? Resolve(c) : null);
        var modelFolder = model ?? (reader.String(root, "model") is { } m ? Resolve(m) : null);
        var outFolder = @out ?? (reader.String(root, "out", required: false) is { } o ? Resolve(o) : null);
        if (outFolder is null)
            reader.Problem("out", "missing: give \"out\" in the grid file or --out");
        var seeds = reader.Ints(root, "seeds", "seeds", allowZero: true);

        var tagger = new NerTrainingOptions { Seed = 0 };
        if (reader.Object(root, "tagger") is { } t)
        {
            reader.NoUnknown(t, "tagger", ["lr", "epochs", "batch_size"]);
            tagger = tagger with
            {
                LearningRate = reader.Positive(t, "tagger.lr", "lr") ?? tagger.LearningRate,
                Epochs = reader.Count(t, "tagger.epochs", "epochs") ?? tagger.Epochs,
                BatchSize = reader.Count(t, "tagger.batch_size", "batch_size") ?? tagger.BatchSize,
            };
        }
        var fineTune = new FineTuneOptions();
        if (reader.Object(root, "melm") is { } f)
        {
            reader.NoUnknown(f, "melm", ["lr", "epochs", "batch_size", "mask_rate"]);
            fineTune = fineTune with
            {
                LearningRate = reader.Positive(f, "melm.lr", "lr") ?? fineTune.LearningRate,
                Epochs = reader.Count(f, "melm.epochs", "epochs") ?? fineTune.Epochs,
                BatchSize = reader.Count(f, "melm.batch_size", "batch_size") ?? fineTune.BatchSize,
                MaskRate = reader.Share(f, "melm.mask_rate", "mask_rate") ?? fineTune.MaskRate,
            };
        }
        var generation = new GenerationOptions();
        if (reader.Object(root, "generation") is { } g)
        {
            reader.NoUnknown(g, "generation", ["rounds", "top_k", "mu", "sampling", "filter"]);
            generation = generation with
            {
                Rounds = reader.Count(g, "generation.rounds", "rounds") ?? generation.Rounds,
                TopK = reader.Count(g, "generation.top_k", "top_k") ?? generation.TopK,
                Mu = reader.Share(g, "generation.mu", "mu") ?? generation.Mu,
                Sampling = reader.String(g, "sampling", required: false, field: "generation.sampling") is { } name
                    ? ParseSampling(name) ?? reader.Bad<CandidateSampling>("generation.sampling", $"'{name}' is not known (expected uniform, weighted or exclude-original)")
                    : generation.Sampling,
                Filter = reader.String(g, "filter", required: false, field: "generation.filter") is { } rule
                    ? FilterRules.Parse(rule) ?? reader.Bad<FilterRule>("generation.filter", $"'{rule}' is not known (expected sentence, mentions or no-worse)")
                    : generation.Filter,
            };
        }

        IReadOnlyList<string> languages = [];
        IReadOnlyList<int> sizes = [];
        IReadOnlyList<AugmentationMethod> methods = [];
        if (reader.Object(root, "monolingual") is { } mono)
        {
            reader.NoUnknown(mono, "monolingual", ["languages", "n", "methods"]);
            languages = reader.Strings(mono, "monolingual.languages", "languages");
            sizes = reader.Ints(mono, "monolingual.n", "n", allowZero: false);
            methods = [.. reader.Strings(mono, "monolingual.methods", "methods").Select(name => AugmentationMethods.TryParseExperiment(name, out var method)
                ? method
                : reader.Bad<AugmentationMethod>("monolingual.methods", $"unknown method '{name}' (expected {string.Join(", ", AugmentationMethods.ExperimentNames)})"))];
        }
        OracleOptions? oracle = null;
        if (reader.Object(root, "oracle") is { } judge)
        {
            reader.NoUnknown(judge, "oracle", ["epochs", "lr"]);
            oracle = new OracleOptions(reader.Count(judge, "oracle.epochs", "epochs") ?? 1, reader.Positive(judge, "oracle.lr", "lr") ?? tagger.LearningRate);
        }
        MultilingualGrid? multilingual = null;
        if (reader.Object(root, "multilingual") is { } multi)
        {
            reader.NoUnknown(multi, "multilingual", ["languages", "n", "methods"]);
            var multiLanguages = reader.Strings(multi, "multilingual.languages", "languages");
            if (multiLanguages.Count == 1)
                reader.Problem("multilingual.languages", "needs at least two languages (code-mixing takes entities from other languages)");
            multilingual = new MultilingualGrid(multiLanguages, reader.Ints(multi, "multilingual.n", "n", allowZero: false),
                [.. reader.Strings(multi, "multilingual.methods", "methods").Select(name => MultilingualMethods.Parse(name)
                    ?? reader.Bad<MultilingualMethod>("multilingual.methods", $"unknown method '{name}' (expected {string.Join(", ", MultilingualMethods.Names)})"))]);
        }
        string? source = null;
        IReadOnlyList<string>? targets = null;
        if (reader.Object(root, "cross_lingual") is { } cross)
        {
            reader.NoUnknown(cross, "cross_lingual", ["source", "targets"]);
            source = reader.String(cross, "source", field: "cross_lingual.source");
            targets = reader.Strings(cross, "cross_lingual.targets", "targets");
            if (source is not null && !languages.Contains(source))
                reader.Problem("cross_lingual.source", $"'{source}' is not one of monolingual.languages: its taggers are the monolingual runs'");
            if (source is not null && targets.Contains(source))
                reader.Problem("cross_lingual.targets", $"holds the source language '{source}'");
        }
        reader.ThrowIfAny();

        return new ExperimentSettings(conllRoot!, modelFolder!, languages, sizes, seeds, methods, tagger, fineTune, generation.Rounds, outFolder!)
        {
            Generation = generation == new GenerationOptions(Rounds: generation.Rounds) ? null : generation,
            CrossLingualSource = source,
            CrossLingualTargets = targets,
            Multilingual = multilingual,
            Oracle = oracle,
        };
    }

    /// <summary>
    /// Language folders, split files and sample sizes: every language needs train, dev and test,
    /// each N at most the train and the dev split's sentences; cross-lingual targets need a test file.
    /// </summary>
    public static void CheckData(string grid, ExperimentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<InputProblem>();
        if (!Directory.Exists(settings.ConllRoot))
            throw new InputException(grid, null, $"conll: no such folder {settings.ConllRoot}");
        if (!File.Exists(Path.Combine(settings.Model, "config.json")))
            problems.Add(new InputProblem(grid, null, $"model: {settings.Model} is not a model folder (no config.json)"));
        var settingsToCheck = new List<(string Field, IReadOnlyList<string> Languages, IReadOnlyList<int> Sizes)> { ("monolingual", settings.Languages, settings.Sizes) };
        if (settings.Multilingual is { } multi)
            settingsToCheck.Add(("multilingual", multi.Languages, multi.Sizes));
        foreach (var (field, languages, sizes) in settingsToCheck)
        {
            var largest = sizes.Count > 0 ? sizes.Max() : 0;
            foreach (var language in languages)
            {
                if (!Directory.Exists(Path.Combine(settings.ConllRoot, language)))
                {
                    problems.Add(new InputProblem(grid, null, $"{field}.languages: no folder '{language}' in {settings.ConllRoot}"));
                    continue;
                }
                foreach (var split in new[] { "train", "dev", "test" })
                {
                    var file = settings.Split(language, split);
                    if (!File.Exists(file))
                    {
                        problems.Add(new InputProblem(grid, null, $"{field}.languages: '{language}' has no {split} file ({file})"));
                        continue;
                    }
                    if (split == "test")
                        continue;
                    var count = SentenceCount(file);
                    if (count < largest)
                        problems.Add(new InputProblem(grid, null, $"{field}.n: N={largest} is larger than {file} ({count} sentences)"));
                }
            }
        }
        foreach (var target in settings.CrossLingualTargets ?? [])
        {
            var file = settings.Split(target, "test");
            if (!File.Exists(file))
                problems.Add(new InputProblem(grid, null, $"cross_lingual.targets: '{target}' has no test file ({file})"));
        }
        if (problems.Count > 0)
            throw new InputException(problems);
    }

    /// <summary>Sentences in a CoNLL file: blocks of non-blank lines, counted without parsing them (the run reads and checks them).</summary>
    private static int SentenceCount(string file)
    {
        var (count, inside) = (0, false);
        foreach (var line in File.ReadLines(file))
        {
            var blank = line.Trim().Length == 0 || line.StartsWith("-DOCSTART-", StringComparison.Ordinal);
            if (!blank && !inside)
                count++;
            inside = !blank;
        }
        return count;
    }

    private static CandidateSampling? ParseSampling(string name) => name.Trim().ToLowerInvariant() switch
    {
        "uniform" => CandidateSampling.Uniform,
        "weighted" => CandidateSampling.ProbabilityWeighted,
        "exclude-original" => CandidateSampling.ExcludeOriginal,
        _ => null,
    };

    /// <summary>Reads typed fields and collects one problem per bad field, each naming the file and the field.</summary>
    private sealed class FieldReader(string file)
    {
        private readonly List<InputProblem> _problems = [];

        public void Problem(string field, string message) => _problems.Add(new InputProblem(file, null, $"{field}: {message}"));

        public T Bad<T>(string field, string message)
        {
            Problem(field, message);
            return default!;
        }

        public void ThrowIfAny()
        {
            if (_problems.Count > 0)
                throw new InputException(_problems);
        }

        public void NoUnknown(JsonElement element, string prefix, string[] known)
        {
            foreach (var property in element.EnumerateObject().Where(p => !known.Contains(p.Name)))
                Problem(prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}", $"unknown field (expected one of {string.Join(", ", known)})");
        }

        public JsonElement? Object(JsonElement parent, string name, bool required = false)
        {
            if (!parent.TryGetProperty(name, out var value))
                return required ? Bad<JsonElement?>(name, "missing") : null;
            return value.ValueKind == JsonValueKind.Object ? value : Bad<JsonElement?>(name, "must be an object");
        }

        public string? String(JsonElement parent, string name, bool required = true, string? field = null)
        {
            field ??= name;
            if (!parent.TryGetProperty(name, out var value))
                return required ? Bad<string?>(field, "missing") : null;
            return value.ValueKind == JsonValueKind.String && value.GetString()!.Trim().Length > 0
                ? value.GetString()!.Trim()
                : Bad<string?>(field, "must be a non-empty string");
        }

        public IReadOnlyList<string> Strings(JsonElement parent, string field, string name)
        {
            if (!parent.TryGetProperty(name, out var value))
                return Bad<IReadOnlyList<string>>(field, "missing") ?? [];
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0
                || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String || v.GetString()!.Trim().Length == 0))
                return Bad<IReadOnlyList<string>>(field, "must be a non-empty list of strings") ?? [];
            var values = value.EnumerateArray().Select(v => v.GetString()!.Trim()).ToList();
            foreach (var repeated in values.GroupBy(v => v).Where(group => group.Count() > 1))
                Problem(field, $"'{repeated.Key}' is given twice");
            return values;
        }

        public IReadOnlyList<int> Ints(JsonElement parent, string field, string name, bool allowZero)
        {
            if (!parent.TryGetProperty(name, out var value))
                return Bad<IReadOnlyList<int>>(field, "missing") ?? [];
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0
                || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i) || i < 0 || (i == 0 && !allowZero)))
                return Bad<IReadOnlyList<int>>(field, allowZero ? "must be a non-empty list of whole numbers >= 0" : "must be a non-empty list of positive whole numbers") ?? [];
            var values = value.EnumerateArray().Select(v => v.GetInt32()).ToList();
            foreach (var repeated in values.GroupBy(v => v).Where(group => group.Count() > 1))
                Problem(field, string.Create(CultureInfo.InvariantCulture, $"{repeated.Key} is given twice"));
            return values;
        }

        public double? Positive(JsonElement parent, string field, string name) =>
            Number(parent, field, name) is not { } x ? null : x > 0 ? x : Bad<double?>(field, "must be positive");

        public double? Share(JsonElement parent, string field, string name) =>
            Number(parent, field, name) is not { } x ? null : x is > 0 and <= 1 ? x : Bad<double?>(field, "must be in (0, 1]");

        public int? Count(JsonElement parent, string field, string name)
        {
            if (!parent.TryGetProperty(name, out var value))
                return null;
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i) && i > 0 ? i : Bad<int?>(field, "must be a positive whole number");
        }

        private double? Number(JsonElement parent, string field, string name)
        {
            if (!parent.TryGetProperty(name, out var value))
                return null;
            return value.ValueKind == JsonValueKind.Number ? value.GetDouble() : Bad<double?>(field, "must be a number");
        }
    }
}
