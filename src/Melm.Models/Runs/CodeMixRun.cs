using Melm.Models.Augmentation;
using Melm.Models.Checkpoints;
using Melm.Models.CodeMix;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Mlm;
using Melm.Models.Text;
using static TorchSharp.torch;

namespace Melm.Models.Runs;

/// <summary>Code-mixing (paper 2.5) as one workflow over a <see cref="CodeMixJob"/>: read the training files, mix, write the folder.</summary>
public static class CodeMixRun
{
    /// <summary>
    /// Code-mixes the job's training files into <paramref name="folder"/> (the files `melm augment
    /// --codemix` reads): `melm codemix`, the code-mix stage of a run on a worker, and a multilingual experiment cell.
    /// </summary>
    public static (CodeMixResult Result, AugmentationSummary Summary) Run(
        CodeMixJob job, string folder, Func<Device> device, Action<string> say, IProgress<ProgressUpdate>? progress = null)
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

    /// <summary>
    /// The training files as one set: ids prefixed by language, each sentence with its language, one tag
    /// scheme. Every file is read before failing, so one run lists the problems of all of them.
    /// </summary>
    public static (IReadOnlyList<Sentence> Sentences, TagScheme Scheme) ReadTraining(IReadOnlyList<LanguageFile> files)
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
}
