using Melm.Models.Data;
using Melm.Models.Ner;
using Melm.Models.Text;
using Melm.Models.Diagnostics;
using Melm.Models.Tagging;

namespace Melm.Models.Tests.Ner;

/// <summary>One tagger trained on the synthetic task, shared by the tests that only read it.</summary>
public sealed class TrainedSyntheticTagger : IDisposable
{
    public TrainedSyntheticTagger()
    {
        Tokenizer = SyntheticNer.Tokenizer();
        Train = SyntheticNer.Corpus("train", 200, 1);
        Dev = SyntheticNer.Corpus("dev", 60, 2);
        Test = SyntheticNer.Corpus("test", 60, 3, maxTokens: 30);
        Tagger = SyntheticNer.NewTagger(Tokenizer, TaggerLabels.FromTraining(Train), 11);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Result = NerTrainer.Train(Tagger, Tokenizer, Train, Dev, SyntheticNer.Options(11, 2), new Recorder(Updates));
        Seconds = clock.Elapsed.TotalSeconds;
    }

    internal XlmrTokenizer Tokenizer { get; }

    internal Corpus Train { get; }

    internal Corpus Dev { get; }

    internal Corpus Test { get; }

    internal NerTagger Tagger { get; }

    internal NerTrainingResult Result { get; }

    internal List<ProgressUpdate> Updates { get; } = [];

    internal double Seconds { get; }

    public void Dispose() => Tagger.Dispose();

    private sealed class Recorder(List<ProgressUpdate> updates) : IProgress<ProgressUpdate>
    {
        public void Report(ProgressUpdate value) => updates.Add(value);
    }
}
