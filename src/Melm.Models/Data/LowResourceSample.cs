using Melm.Models.Diagnostics;

namespace Melm.Models.Data;

/// <summary>Draws the paper's N-sentence train and dev sets and writes them with their manifest.</summary>
public static class LowResourceSample
{
    public const string TrainFile = "train.txt";
    public const string DevFile = "dev.txt";

    /// <summary>Samples <paramref name="n"/> sentences of each corpus with the same seed; bad n is an InputException naming the file.</summary>
    public static (SampleManifest Manifest, IReadOnlyList<Sentence> Train, IReadOnlyList<Sentence> Dev) Draw(Corpus train, Corpus dev, int n, int seed)
    {
        var problems = new List<InputProblem>();
        if (n <= 0)
            problems.Add(new InputProblem("--n", null, $"the sample size must be positive, got {n}"));
        foreach (var corpus in new[] { train, dev }.Where(c => n > c.Sentences.Count))
            problems.Add(new InputProblem(corpus.Source, null, $"asked for {n} sentences but the file has only {corpus.Sentences.Count}"));
        if (problems.Count > 0)
            throw new InputException(problems);
        var trainIndices = Sampler.Indices(train.Sentences.Count, n, seed);
        var devIndices = Sampler.Indices(dev.Sentences.Count, n, seed);
        var manifest = new SampleManifest(seed, n, Split(train, TrainFile, trainIndices), Split(dev, DevFile, devIndices));
        return (manifest, trainIndices.Select(i => train.Sentences[i]).ToList(), devIndices.Select(i => dev.Sentences[i]).ToList());
    }

    /// <summary>
    /// Writes train.txt, dev.txt and manifest.json into <paramref name="folder"/> (created if missing);
    /// the manifest names each source file relative to the folder, so it holds no machine's path and
    /// still finds the data when the folder and the data move together.
    /// </summary>
    public static SampleManifest Write(Corpus train, Corpus dev, int n, int seed, string folder)
    {
        var (drawn, trainSample, devSample) = Draw(train, dev, n, seed);
        var manifest = drawn with { Train = RelativeTo(folder, drawn.Train), Dev = RelativeTo(folder, drawn.Dev) };
        try
        {
            Directory.CreateDirectory(folder);
            ConllWriter.WriteSentences(trainSample, Path.Combine(folder, TrainFile));
            ConllWriter.WriteSentences(devSample, Path.Combine(folder, DevFile));
            File.WriteAllBytes(Path.Combine(folder, SampleManifest.FileName), manifest.ToJson());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(folder, null, $"cannot write the sample: {e.Message}");
        }
        return manifest;
    }

    /// <summary>
    /// The sample in <paramref name="folder"/>: drawn from <paramref name="source"/> (read only then)
    /// and written there the first time, read back from its files on every later call, so a resumed run
    /// trains on the same sentences. A folder that holds a sample of another n or seed is refused.
    /// </summary>
    public static (Corpus Train, Corpus Dev) DrawOnce(string folder, int n, int seed, Func<(Corpus Train, Corpus Dev)> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var manifestPath = Path.Combine(folder, SampleManifest.FileName);
        if (File.Exists(manifestPath))
        {
            using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(manifestPath));
            var (heldN, heldSeed) = (manifest.RootElement.GetProperty("n").GetInt32(), manifest.RootElement.GetProperty("seed").GetInt32());
            if (heldN != n || heldSeed != seed)
                throw new InputException(manifestPath, null, $"this folder holds a sample of n={heldN}, seed={heldSeed}, not n={n}, seed={seed}: use another output folder");
        }
        else
        {
            var (train, dev) = source();
            Write(train, dev, n, seed, folder);
        }
        var read = CorpusFile.ReadAll([Path.Combine(folder, TrainFile), Path.Combine(folder, DevFile)]);
        return (read[0], read[1]);
    }

    private static SplitSample RelativeTo(string folder, SplitSample split) =>
        split with { Source = Path.GetRelativePath(Path.GetFullPath(folder), split.Source).Replace(Path.DirectorySeparatorChar, '/') };

    private static SplitSample Split(Corpus corpus, string output, int[] indices) =>
        new(Path.GetFullPath(corpus.Source),
            corpus.Sha256 ?? throw new ArgumentException($"{corpus.Source} was not read from a file, so it has no sha256", nameof(corpus)),
            corpus.Sentences.Count, output, indices);
}
