using System.Globalization;
using Melm.Models.Diagnostics;

namespace Melm.Benchmarks;

/// <summary>
/// Options of `augment-report`. The data and sampling are the paper's (CoNLL English, N
/// sentences of train and of dev); the learning rates default to what a small model pretrained
/// here needs (the paper's 1e-5 and 2e-5 are for XLM-R base and large).
/// </summary>
/// <param name="Model">Pretrained MLM folder: the encoder of both MELM and the filter's tagger.</param>
/// <param name="Conll">Folder with en/train.txt and en/dev.txt.</param>
/// <param name="Out">Folder for the sample, the tagger, each method's output and the report; a rerun skips what is there.</param>
public sealed record AugmentReportOptions(
    string Model,
    string Conll,
    string Out,
    int N = 100,
    int Seed = 1,
    int Rounds = 3,
    int Epochs = 20,
    double LearningRate = 1e-3,
    int TaggerEpochs = 10,
    double TaggerLearningRate = 1e-3,
    int Threads = 1)
{
    public const string Usage =
        "augment-report --model DIR --conll DIR --out DIR [--n 100] [--seed 1] [--rounds 3] [--epochs 20] [--lr 1e-3] [--tagger-epochs 10] [--tagger-lr 1e-3] [--threads 1]";

    public static AugmentReportOptions Parse(string[] args)
    {
        string? model = null, conll = null, output = null;
        var options = new AugmentReportOptions("", "", "");
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new InputException("command line", null, $"{args[i]} needs a value");
            switch (args[i])
            {
                case "--model": model = Path.GetFullPath(value); break;
                case "--conll": conll = Path.GetFullPath(value); break;
                case "--out": output = Path.GetFullPath(value); break;
                case "--n": options = options with { N = Positive(args[i], value) }; break;
                case "--seed": options = options with { Seed = Positive(args[i], value) }; break;
                case "--rounds": options = options with { Rounds = Positive(args[i], value) }; break;
                case "--epochs": options = options with { Epochs = Positive(args[i], value) }; break;
                case "--lr": options = options with { LearningRate = PositiveDouble(args[i], value) }; break;
                case "--tagger-epochs": options = options with { TaggerEpochs = Positive(args[i], value) }; break;
                case "--tagger-lr": options = options with { TaggerLearningRate = PositiveDouble(args[i], value) }; break;
                case "--threads": options = options with { Threads = Positive(args[i], value) }; break;
                default: throw new InputException("command line", null, $"unknown option {args[i]}; usage: {Usage}");
            }
        }
        if (model is null || conll is null || output is null)
            throw new InputException("command line", null, $"--model, --conll and --out are required; usage: {Usage}");
        return options with { Model = model, Conll = conll, Out = output };
    }

    private static int Positive(string option, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new InputException("command line", null, $"{option} {value}: expected a positive integer");

    private static double PositiveDouble(string option, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x > 0 && double.IsFinite(x)
            ? x
            : throw new InputException("command line", null, $"{option} {value}: expected a positive number");
}
