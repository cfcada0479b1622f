using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Melm.Host.Cluster;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Ner;
using Melm.Models.Runs;
using Melm.Models.Tests.Fuzzing;
using Melm.Models.Tagging;

namespace Melm.Host.Tests.Cluster;

/// <summary>
/// The run spec parser of the status endpoint (POST /runs) fed random bytes and valid specs with
/// fields removed, nulled, retyped or added: it returns a spec the coordinator accepts, or refuses
/// with a RunRequestException (the endpoint's 400); never another exception.
/// </summary>
public sealed class RunSpecFuzzTests
{
    private const int Iterations = 3000;

    /// <summary>Values a field may be replaced with: nulls, wrong types, edge numbers, bad ids.</summary>
    private static readonly string[] Values =
        ["null", "0", "-1", "2147483648", "18446744073709551616", "1.5", "\"\"", "\" \"", "\"x\"", "\"a/b\"", "[]", "[null]", "[\"s0\",\"s0\"]", "[1]", "{}", "{\"x\":1}", "true"];

    private static readonly byte[][] Specs =
    [
        Serialize(Base() with
        {
            Preparation = new RunPreparation(
                new FilterTaggerJob("/m", "/dev.conll", new NerTrainingOptions { Seed = 3 }),
                new FineTuneJob("/m", "/dev.conll", new FineTuneOptions(Seed: 3), ["en"])),
            Inputs = Base().Inputs with { TaggerFolder = "/out/filter-tagger" },
        }),
        Serialize(Base() with
        {
            SentenceIds = [],
            Preparation = new RunPreparation(CodeMix: new CodeMixJob([new LanguageFile("en", "/en.txt"), new LanguageFile("de", "/de.txt")], [], "/m", false, 1, 3)),
        }),
    ];

    [Fact]
    public void MutatedSpecsAreAcceptedWholeOrRefusedWithAReason()
    {
        var outcomes = new HashSet<bool>();
        Gen.Select(Gen.Int[0, Specs.Length - 1], Gen.Int[0, int.MaxValue].Array[1, 4]).Check((spec, choices) =>
        {
            outcomes.Add(Check(Encoding.UTF8.GetBytes(Mutate(Specs[spec], choices))));
        }, Iterations);

        // Accepted and refused, or the property says nothing about one of them.
        Assert.Equal([false, true], outcomes.Order());
    }

    [Fact]
    public void RandomAndByteMutatedBodiesAreAcceptedWholeOrRefusedWithAReason()
    {
        Gen.OneOf(InputMutations.RandomBytes, InputMutations.Mutated(Specs[0]), InputMutations.Mutated(Specs[1])).Check(body => { Check(body); }, Iterations);
    }

    [Fact]
    public void TheUnmutatedSpecsAreAccepted()
    {
        Assert.All(Specs, spec => Assert.True(RunSpecs.Parse(spec).SameAs(JsonSerializer.Deserialize<RunSpec>(spec, ClusterJson.Options)!)));
    }

    [Theory]
    // Found by the properties above: each was accepted, and a worker would have failed on it later.
    [InlineData("preparation.fine_tune.pretrained_folder", "null", "$.preparation.fine_tune")]
    [InlineData("preparation.filter_tagger.options", null, "options")]
    [InlineData("sentence_ids", "[\"s0\", null]", "holds null")]
    [InlineData("preparation.fine_tune.languages", "[null]", "holds null")]
    [InlineData("inputs.generation.filter", "7", "no known filter rule (7)")]
    [InlineData("inputs.generation.sampling", "-1", "sampling (-1)")]
    public void AFieldItsTypeSaysIsThereIsRefusedWhenMissingOrNull(string path, string? value, string expected)
    {
        var root = JsonNode.Parse(Specs[0])!;
        var names = path.Split('.');
        var parent = names[..^1].Aggregate(root, (node, name) => node[name]!).AsObject();
        if (value is null)
            parent.Remove(names[^1]);
        else
            parent[names[^1]] = JsonNode.Parse(value);

        var error = Assert.Throws<RunRequestException>(() => RunSpecs.Parse(Encoding.UTF8.GetBytes(root.ToJsonString())));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Whether the parser accepted <paramref name="body"/>; throws when it broke the property.</summary>
    private static bool Check(byte[] body)
    {
        RunSpec spec;
        try
        {
            spec = RunSpecs.Parse(body);
        }
        catch (RunRequestException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            return false;
        }
        // Accepted: the coordinator's own check passes and the spec reads back the same.
        spec.Validate();
        Assert.True(RunSpecs.Parse(Serialize(spec)).SameAs(spec));
        _ = (spec.ItemCount, spec.IsJob, spec.Preparation?.Stages.Count);
        AssertNoNulls(JsonNode.Parse(Serialize(spec)), "$");
        return true;
    }

    /// <summary>Nothing in an accepted spec is null where its type says a value is there (the nullable fields are left out).</summary>
    private static void AssertNoNulls(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (value is null && !NullableFields.Contains(name))
                        Assert.Fail($"{path}.{name} is null in an accepted spec");
                    AssertNoNulls(value, $"{path}.{name}");
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Assert.True(array[i] is not null, $"{path}[{i}] is null in an accepted spec");
                    AssertNoNulls(array[i], $"{path}[{i}]");
                }
                break;
        }
    }

    private static readonly HashSet<string> NullableFields =
        ["preparation", "tagger_folder", "filter_tagger", "fine_tune", "cell", "code_mix", "dev_file", "encoder_folder", "crf_learning_rate", "max_grad_norm"];

    /// <summary><paramref name="json"/> with one change per choice: a field or element removed, replaced by one of <see cref="Values"/>, or added.</summary>
    private static string Mutate(byte[] json, int[] choices)
    {
        var root = JsonNode.Parse(json)!;
        foreach (var choice in choices)
        {
            var slots = Slots(root).ToList();
            if (slots.Count == 0)
                break;
            var (parent, name, index) = slots[choice % slots.Count];
            var kind = choice / slots.Count % 3;
            var value = JsonNode.Parse(Values[choice / slots.Count / 3 % Values.Length]);
            switch (parent, kind)
            {
                case (JsonObject obj, 0):
                    obj.Remove(name!);
                    break;
                case (JsonObject obj, 1):
                    obj[name!] = value;
                    break;
                case (JsonObject obj, _):
                    obj["extra"] = value;
                    break;
                case (JsonArray array, 0):
                    array.RemoveAt(index);
                    break;
                case (JsonArray array, 1):
                    array[index] = value;
                    break;
                case (JsonArray array, _):
                    array.Insert(index, value);
                    break;
            }
        }
        return root.ToJsonString();
    }

    /// <summary>Every field and array element below <paramref name="node"/>, as its parent and name or index.</summary>
    private static IEnumerable<(JsonNode Parent, string? Name, int Index)> Slots(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    yield return (obj, name, 0);
                    if (value is not null)
                    {
                        foreach (var slot in Slots(value))
                            yield return slot;
                    }
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    yield return (array, null, i);
                    if (array[i] is { } item)
                    {
                        foreach (var slot in Slots(item))
                            yield return slot;
                    }
                }
                break;
        }
    }

    private static RunSpec Base()
    {
        var sentences = Enumerable.Range(0, 5).Select(i => new Sentence($"s{i}", "en", ["Anna", "lebt"], ["B-PER", "O"])).ToArray();
        var inputs = new RunInputs("/corpus.jsonl", "/out/melm-model", AugmentationMethods.Name(AugmentationMethod.Melm), null, new GenerationOptions(Rounds: 2, Seed: 11));
        return RunSpecs.For(new Corpus("/corpus.jsonl", sentences), inputs, shardSize: 2, "/out");
    }

    private static byte[] Serialize(RunSpec spec) => JsonSerializer.SerializeToUtf8Bytes(spec, ClusterJson.Options);
}
