using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using Melm.Actors.Coordinator;
using Melm.Actors.Protocol.Events;
using Melm.Models.Augmentation;
using Melm.Models.Data;
using Melm.Models.Ner;
using Melm.Models.Runs;
using Melm.Models.Tagging;

namespace Melm.Actors.Persistence;

/// <summary>
/// The journal's format, owned here rather than by the C# types it stores: every persisted event and
/// snapshot has a fixed manifest ("melm:run-started:v1") and every record in it a fixed JSON name
/// per property, bound to the C# member by nameof. Renaming a type or a property therefore changes
/// no byte of a journal (the nameof follows the rename); adding, removing or retyping one makes
/// the first serialization throw until the table says how it is stored (JournalShapeTests compare
/// each type's JSON with the checked-in Persistence/Shapes). Sentences are stored as their JSON
/// Lines objects, the project's sentence format (JsonLines). Enums are stored as numbers.
///
/// Version 0 is the format before this contract: manifests were the C# type names and the JSON
/// names the property names (the same as version 1's), plus derived properties that version 1 no
/// longer writes; such journals are read with version 1's shapes.
/// A breaking change to a shape needs Version + 1 and a reader for the old version.
/// </summary>
public static class JournalContract
{
    /// <summary>The newest journal format version this build writes and reads.</summary>
    public const int Version = 1;

    private const string Prefix = "melm:";

    private static readonly FrozenDictionary<Type, string> NamesByType = new Dictionary<Type, string>
    {
        [typeof(RunRegistered)] = "run-registered",
        [typeof(RunStarted)] = "run-started",
        [typeof(ItemCompleted)] = "item-completed",
        [typeof(StageCompleted)] = "stage-completed",
        [typeof(RunCompleted)] = "run-completed",
        [typeof(RunCancelled)] = "run-cancelled",
        [typeof(RunFailed)] = "run-failed",
        [typeof(RunResumed)] = "run-resumed",
        [typeof(RunSnapshot)] = "run-snapshot",
        [typeof(RunKeysSnapshot)] = "run-keys-snapshot",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, Type> TypesByName = NamesByType.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    /// <summary>Version 0's manifests (the types' C# names when they were written) and the entries they are.</summary>
    private static readonly FrozenDictionary<string, string> Version0Manifests = new Dictionary<string, string>
    {
        ["RunRegistered"] = "run-registered",
        ["RunStarted"] = "run-started",
        ["ItemCompleted"] = "item-completed",
        ["StageCompleted"] = "stage-completed",
        ["RunCompleted"] = "run-completed",
        ["RunCancelled"] = "run-cancelled",
        ["RunFailed"] = "run-failed",
        ["RunResumed"] = "run-resumed",
        ["RunSnapshot"] = "run-snapshot",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Per stored record: its C# members and their JSON names, and the derived members that are not stored.</summary>
    private static readonly FrozenDictionary<Type, Shape> Shapes = new Dictionary<Type, Shape>
    {
        [typeof(RunRegistered)] = new([(nameof(RunRegistered.RunId), "RunId")]),
        [typeof(RunStarted)] = new([(nameof(RunStarted.Spec), "Spec")], [nameof(RunStarted.RunId)]),
        [typeof(ItemCompleted)] = new([(nameof(ItemCompleted.RunId), "RunId"), (nameof(ItemCompleted.Key), "Key"), (nameof(ItemCompleted.Result), "Result")]),
        [typeof(StageCompleted)] = new([
            (nameof(StageCompleted.RunId), "RunId"), (nameof(StageCompleted.Stage), "Stage"), (nameof(StageCompleted.Artefacts), "Artefacts"),
            (nameof(StageCompleted.Note), "Note"), (nameof(StageCompleted.SentenceIds), "SentenceIds")]),
        [typeof(RunCompleted)] = new([(nameof(RunCompleted.RunId), "RunId")]),
        [typeof(RunCancelled)] = new([(nameof(RunCancelled.RunId), "RunId")]),
        [typeof(RunFailed)] = new([(nameof(RunFailed.RunId), "RunId"), (nameof(RunFailed.Reason), "Reason")]),
        [typeof(RunResumed)] = new([(nameof(RunResumed.RunId), "RunId")]),
        [typeof(RunSnapshot)] = new([
            (nameof(RunSnapshot.Spec), "Spec"), (nameof(RunSnapshot.Stage), "Stage"), (nameof(RunSnapshot.StagesDone), "StagesDone"),
            (nameof(RunSnapshot.Completed), "Completed"), (nameof(RunSnapshot.Files), "Files"), (nameof(RunSnapshot.Error), "Error"),
            (nameof(RunSnapshot.Notes), "Notes"), (nameof(RunSnapshot.PlannedSentenceIds), "PlannedSentenceIds")]),
        [typeof(RunKeysSnapshot)] = new([
            (nameof(RunKeysSnapshot.Spec), "Spec"), (nameof(RunKeysSnapshot.Stage), "Stage"), (nameof(RunKeysSnapshot.StagesDone), "StagesDone"),
            (nameof(RunKeysSnapshot.Completed), "Completed"), (nameof(RunKeysSnapshot.Files), "Files"), (nameof(RunKeysSnapshot.Error), "Error"),
            (nameof(RunKeysSnapshot.Notes), "Notes"), (nameof(RunKeysSnapshot.PlannedSentenceIds), "PlannedSentenceIds")]),
        [typeof(RunSpec)] = new([
            (nameof(RunSpec.RunId), "RunId"), (nameof(RunSpec.Inputs), "Inputs"), (nameof(RunSpec.ShardSize), "ShardSize"),
            (nameof(RunSpec.SentenceIds), "SentenceIds"), (nameof(RunSpec.OutputFolder), "OutputFolder"), (nameof(RunSpec.Preparation), "Preparation")],
            [nameof(RunSpec.Seed), nameof(RunSpec.Rounds), nameof(RunSpec.ShardCount), nameof(RunSpec.ItemCount), nameof(RunSpec.IsJob)]),
        [typeof(RunInputs)] = new([
            (nameof(RunInputs.CorpusFile), "CorpusFile"), (nameof(RunInputs.ModelFolder), "ModelFolder"), (nameof(RunInputs.Method), "Method"),
            (nameof(RunInputs.TaggerFolder), "TaggerFolder"), (nameof(RunInputs.Generation), "Generation")],
            [nameof(RunInputs.FilterName)]),
        [typeof(GenerationOptions)] = new([
            (nameof(GenerationOptions.Rounds), "Rounds"), (nameof(GenerationOptions.TopK), "TopK"), (nameof(GenerationOptions.Mu), "Mu"),
            (nameof(GenerationOptions.Sampling), "Sampling"), (nameof(GenerationOptions.SameScript), "SameScript"), (nameof(GenerationOptions.BatchSize), "BatchSize"),
            (nameof(GenerationOptions.Seed), "Seed"), (nameof(GenerationOptions.Filter), "Filter")]),
        [typeof(RunPreparation)] = new([
            (nameof(RunPreparation.FilterTagger), "FilterTagger"), (nameof(RunPreparation.FineTune), "FineTune"), (nameof(RunPreparation.Cell), "Cell"),
            (nameof(RunPreparation.CodeMix), "CodeMix"), (nameof(RunPreparation.TensorBoardFolder), "TensorBoardFolder"), (nameof(RunPreparation.NoTensorBoard), "NoTensorBoard")],
            [nameof(RunPreparation.Stages)]),
        [typeof(FilterTaggerJob)] = new([(nameof(FilterTaggerJob.EncoderFolder), "EncoderFolder"), (nameof(FilterTaggerJob.DevFile), "DevFile"), (nameof(FilterTaggerJob.Options), "Options")]),
        [typeof(NerTrainingOptions)] = new([
            (nameof(NerTrainingOptions.Seed), "Seed"), (nameof(NerTrainingOptions.LearningRate), "LearningRate"), (nameof(NerTrainingOptions.CrfLearningRate), "CrfLearningRate"),
            (nameof(NerTrainingOptions.BatchSize), "BatchSize"), (nameof(NerTrainingOptions.Epochs), "Epochs"), (nameof(NerTrainingOptions.WeightDecay), "WeightDecay"),
            (nameof(NerTrainingOptions.WarmupFraction), "WarmupFraction"), (nameof(NerTrainingOptions.LinearDecay), "LinearDecay"), (nameof(NerTrainingOptions.MaxGradNorm), "MaxGradNorm"),
            (nameof(NerTrainingOptions.FreezeEncoder), "FreezeEncoder"), (nameof(NerTrainingOptions.EvalBatchSize), "EvalBatchSize"),
            (nameof(NerTrainingOptions.Precision), "Precision")]),
        [typeof(FineTuneJob)] = new([
            (nameof(FineTuneJob.PretrainedFolder), "PretrainedFolder"), (nameof(FineTuneJob.DevFile), "DevFile"), (nameof(FineTuneJob.Options), "Options"),
            (nameof(FineTuneJob.Languages), "Languages")]),
        [typeof(FineTuneOptions)] = new([
            (nameof(FineTuneOptions.Epochs), "Epochs"), (nameof(FineTuneOptions.BatchSize), "BatchSize"), (nameof(FineTuneOptions.LearningRate), "LearningRate"),
            (nameof(FineTuneOptions.MaskRate), "MaskRate"), (nameof(FineTuneOptions.Seed), "Seed"), (nameof(FineTuneOptions.Precision), "Precision")]),
        [typeof(ExperimentCellJob)] = new([
            (nameof(ExperimentCellJob.ConllRoot), "ConllRoot"), (nameof(ExperimentCellJob.Model), "Model"), (nameof(ExperimentCellJob.Out), "Out"),
            (nameof(ExperimentCellJob.Language), "Language"), (nameof(ExperimentCellJob.N), "N"), (nameof(ExperimentCellJob.Seed), "Seed"),
            (nameof(ExperimentCellJob.Methods), "Methods"), (nameof(ExperimentCellJob.Tagger), "Tagger"), (nameof(ExperimentCellJob.FineTune), "FineTune"),
            (nameof(ExperimentCellJob.Rounds), "Rounds"), (nameof(ExperimentCellJob.Generation), "Generation"), (nameof(ExperimentCellJob.CrossLingualTargets), "CrossLingualTargets"),
            (nameof(ExperimentCellJob.MultilingualLanguages), "MultilingualLanguages"), (nameof(ExperimentCellJob.Oracle), "Oracle")],
            [nameof(ExperimentCellJob.TrainsOracle)]),
        [typeof(OracleOptions)] = new([(nameof(OracleOptions.Epochs), "Epochs"), (nameof(OracleOptions.LearningRate), "LearningRate")]),
        [typeof(CodeMixJob)] = new([
            (nameof(CodeMixJob.Train), "Train"), (nameof(CodeMixJob.Vectors), "Vectors"), (nameof(CodeMixJob.EncoderFolder), "EncoderFolder"),
            (nameof(CodeMixJob.Random), "Random"), (nameof(CodeMixJob.Rounds), "Rounds"), (nameof(CodeMixJob.Seed), "Seed")]),
        [typeof(LanguageFile)] = new([(nameof(LanguageFile.Lang), "Lang"), (nameof(LanguageFile.Path), "Path")]),
        [typeof(ItemKey)] = new([(nameof(ItemKey.Shard), "Shard"), (nameof(ItemKey.Round), "Round")]),
        [typeof(ItemResult)] = new([(nameof(ItemResult.Round), "Round"), (nameof(ItemResult.Description), "Description")]),
        [typeof(RoundResult)] = new([(nameof(RoundResult.Round), "Round"), (nameof(RoundResult.Passed), "Passed"), (nameof(RoundResult.Dropped), "Dropped")]),
        [typeof(Rewrite)] = new([
            (nameof(Rewrite.Sentence), "Sentence"), (nameof(Rewrite.MaskedSubwords), "MaskedSubwords"), (nameof(Rewrite.KeptOriginal), "KeptOriginal"),
            (nameof(Rewrite.SkippedEntityWords), "SkippedEntityWords"), (nameof(Rewrite.Substitutions), "Substitutions")],
            [nameof(Rewrite.Round), nameof(Rewrite.SourceId), nameof(Rewrite.Augmented)]),
        [typeof(DroppedRewrite)] = new([(nameof(DroppedRewrite.Rewrite), "Rewrite"), (nameof(DroppedRewrite.Reason), "Reason")]),
        [typeof(Substitution)] = new([
            (nameof(Substitution.Original), "Original"), (nameof(Substitution.Replaced), "Replaced"), (nameof(Substitution.OriginalTokens), "OriginalTokens"),
            (nameof(Substitution.Substitute), "Substitute"), (nameof(Substitution.Choice), "Choice"), (nameof(Substitution.Similarity), "Similarity")]),
        [typeof(EntitySpan)] = new([(nameof(EntitySpan.Type), "Type"), (nameof(EntitySpan.Start), "Start"), (nameof(EntitySpan.End), "End")], [nameof(EntitySpan.Length)]),
        [typeof(Mention)] = new([(nameof(Mention.Lang), "Lang"), (nameof(Mention.Type), "Type"), (nameof(Mention.Tokens), "Tokens"), (nameof(Mention.SourceId), "SourceId")]),
    }.ToFrozenDictionary();

    /// <summary>Values stored as they are: text, numbers, flags, enums (as numbers) and sentences (as JSON Lines objects).</summary>
    private static bool IsLeaf(Type type) =>
        type == typeof(string) || type.IsPrimitive || type.IsEnum || type == typeof(Sentence);

    /// <summary>The persisted types, each with its version 1 manifest.</summary>
    public static IReadOnlyDictionary<Type, string> Manifests { get; } = NamesByType.ToFrozenDictionary(p => p.Key, p => ManifestOf(p.Value, Version));

    /// <summary>The manifest a persisted type is written with; null for the protocol's other messages, which are never stored.</summary>
    public static string? ManifestOf(Type type) => Manifests.GetValueOrDefault(type);

    /// <summary>
    /// The type a journal manifest names: this version's, an older version's, or version 0's (a C#
    /// type name); null when the manifest is not a journal's. Throws SerializationException naming
    /// the journal (JournalFormatException) for one of a newer version or of an entry this build does not know.
    /// </summary>
    public static Type? TypeOf(string manifest, string journal)
    {
        if (Version0Manifests.TryGetValue(manifest, out var old))
            return TypesByName[old];
        if (!manifest.StartsWith(Prefix, StringComparison.Ordinal))
            return null;
        var at = manifest.LastIndexOf(":v", StringComparison.Ordinal);
        var name = at > Prefix.Length ? manifest[Prefix.Length..at] : manifest[Prefix.Length..];
        var known = TypesByName.TryGetValue(name, out var type);
        if (at <= Prefix.Length || !int.TryParse(manifest.AsSpan(at + 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version))
            throw new JournalFormatException(journal, manifest, $"has no format version; this build reads {Readable()}");
        if (version > Version)
            throw new JournalFormatException(journal, manifest, $"was written by a newer Melm (journal format version {version}; this build reads versions 0 to {Version}); use that Melm or a newer one with this journal");
        if (!known)
            throw new JournalFormatException(journal, manifest, $"is not one this build knows (it reads {Readable()}); was the journal written by another program?");
        return type;
    }

    /// <summary>Throws JournalFormatException naming the journal unless the manifest is one of a journal entry this build reads.</summary>
    public static void Require(string manifest, string journal)
    {
        if (TypeOf(manifest, journal) is null)
            throw new JournalFormatException(journal, manifest, $"is not one this build knows (it reads {Readable()}); was the journal written by another program?");
    }

    /// <summary>JSON contract modifier: gives the stored records their shapes and refuses a record whose members the table does not cover.</summary>
    public static void Apply(JsonTypeInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (!Shapes.TryGetValue(info.Type, out var shape))
            return;
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in info.Properties.ToArray())
        {
            var member = (property.AttributeProvider as MemberInfo)?.Name ?? property.Name;
            if ((shape.Derived ?? []).Contains(member, StringComparer.Ordinal))
            {
                info.Properties.Remove(property);
                continue;
            }
            var stored = shape.Stored.FirstOrDefault(p => p.Member == member);
            if (stored.Json is null)
                throw new InvalidOperationException($"journal contract: {info.Type.Name}.{member} is not in JournalContract's table; give it a JSON name there (or list it as derived)");
            var valueType = StoredType(property.PropertyType);
            if (!IsLeaf(valueType) && !Shapes.ContainsKey(valueType))
                throw new InvalidOperationException($"journal contract: {info.Type.Name}.{member} holds a {valueType.Name}, which has no shape in JournalContract's table");
            property.Name = stored.Json;
            covered.Add(member);
        }
        if (shape.Stored.FirstOrDefault(p => !covered.Contains(p.Member)) is { Json: not null } missing)
            throw new InvalidOperationException($"journal contract: {info.Type.Name} has no member {missing.Member} any more, which the journal stores as \"{missing.Json}\"; a removed member needs a new journal format version");
    }

    private static string ManifestOf(string name, int version) => $"{Prefix}{name}:v{version}";

    private static string Readable() => string.Join(", ", NamesByType.Values.Order(StringComparer.Ordinal).Select(n => ManifestOf(n, Version)));

    /// <summary>The record a property's values are: the element of a list, the value of a nullable.</summary>
    private static Type StoredType(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
            return underlying;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            return type.GetGenericArguments()[0];
        return type;
    }

    /// <summary>A record's stored members with their JSON names, and its derived members, which are not stored.</summary>
    private sealed record Shape((string Member, string Json)[] Stored, string[]? Derived = null);
}
