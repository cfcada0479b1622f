using Melm.Models.Checkpoints;
using Melm.Models.Nn;
using static TorchSharp.torch;

namespace Melm.Models.Tests.Nn;

/// <summary>Small random models and scratch folders for tests that need no shared files.</summary>
internal static class TinyModels
{
    public static RobertaConfig Config(int vocab = 40) => new()
    {
        VocabSize = vocab, HiddenSize = 16, NumHiddenLayers = 2, NumAttentionHeads = 2,
        IntermediateSize = 32, MaxPositionEmbeddings = 20,
    };

    /// <summary>A random model in eval mode, seeded so every run sees the same weights.</summary>
    public static RobertaForMaskedLM Create(long seed = 7, int vocab = 40)
    {
        var model = new RobertaForMaskedLM(Config(vocab), seed);
        model.eval();
        return model;
    }

    /// <summary>A batch of two sentences, the second padded: ids and attention mask.</summary>
    public static (Tensor Ids, Tensor Mask) Batch()
    {
        var ids = tensor(new long[] { 0, 5, 6, 7, 8, 2, 0, 9, 10, 2, 1, 1 }, 2, 6);
        return (ids, ids.ne(1).to(ScalarType.Int64));
    }

    /// <summary>A fresh empty folder under the system temp folder, deleted when disposed.</summary>
    public static ScratchFolder Scratch() => new();

    /// <summary>A saved random model folder.</summary>
    public static ScratchFolder SavedFolder(long seed = 7)
    {
        var folder = new ScratchFolder();
        using var model = Create(seed);
        ModelFolder.Save(model, folder.Path);
        return folder;
    }

    internal sealed class ScratchFolder : IDisposable
    {
        public ScratchFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "melm-nn-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
