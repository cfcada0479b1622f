using System.Buffers;
using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Melm.Models.Checkpoints;
using Melm.Models.Diagnostics;
using Melm.Models.Pretraining;
using Melm.Models.Text;
using Melm.Models.Mlm;

namespace Melm.Host.Commands;

/// <summary>
/// `melm mlm`: what a masked LM predicts at each &lt;mask&gt; of JSON Lines input, to check a
/// converted, pretrained or fine-tuned model. One output line per input line:
/// {"line", "masks": [{"position", "top": [{"id", "piece", "logit"}], "logsumexp"}], "hidden"?}.
/// </summary>
public static class MlmCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Hugging Face model folder (config.json, weights, sentencepiece.bpe.model).", Required = true };
        var input = new Option<FileInfo>("--input") { Description = "JSON Lines: {\"input_ids\": [...]} or {\"words\": [...]} per line; the word <mask> is one masked subword; a line without <mask> gets an empty \"masks\" list.", Required = true };
        var topK = new Option<int>("--top-k") { Description = "Predictions listed per <mask>.", DefaultValueFactory = _ => 10 };
        var hidden = new Option<bool>("--hidden") { Description = "Also write each line's last hidden state ([tokens][hidden])." };
        var output = new Option<FileInfo?>("--out") { Description = "Output file (default: standard output)." };
        var batch = new Option<int>("--batch") { Description = "Lines per forward pass.", DefaultValueFactory = _ => 16 };
        var compute = new ComputeArguments();
        var command = new Command("mlm", "Predict the <mask> tokens of JSON Lines input with a masked LM: top-k ids, pieces, logits and logsumexp per mask.");
        foreach (var option in new Option[] { model, input, topK, hidden, output, batch })
            command.Options.Add(option);
        compute.AddTo(command);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var k = parseResult.GetValue(topK);
            if (k <= 0)
                throw new InputException("--top-k", null, $"must be positive, got {k}");
            var batchSize = parseResult.GetValue(batch);
            if (batchSize <= 0)
                throw new InputException("--batch", null, $"must be positive, got {batchSize}");
            var computeOptions = compute.Read(parseResult);
            var device = computeOptions.Apply("--device");
            var folder = parseResult.GetValue(model)!.FullName;
            var tokenizer = XlmrTokenizer.Load(folder);
            using var lm = ModelFolder.LoadMaskedLm(folder, device);
            lm.Precision = computeOptions.Precision;
            var queries = MlmQueryReader.Read(parseResult.GetValue(input)!.FullName, tokenizer, lm.Config.VocabSize, lm.Config.MaxSequenceLength);
            var outPath = parseResult.GetValue(output)?.FullName;
            using var file = outPath is null ? null : new StreamWriter(outPath, false, new UTF8Encoding(false));
            var writer = file ?? Console.Out;
            foreach (var prediction in MlmPredictor.Predict(lm, tokenizer, queries, k, parseResult.GetValue(hidden), batchSize))
                writer.WriteLine(ToJson(prediction));
            writer.Flush();
            return 0;
        }));
        return command;
    }

    /// <summary>One output line. Pieces are written as they are (no \u escapes); floats round-trip.</summary>
    public static string ToJson(MlmPrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("line", prediction.Line);
            json.WriteStartArray("masks");
            foreach (var mask in prediction.Masks)
            {
                json.WriteStartObject();
                json.WriteNumber("position", mask.Position);
                json.WriteStartArray("top");
                foreach (var score in mask.Top)
                {
                    json.WriteStartObject();
                    json.WriteNumber("id", score.Id);
                    json.WriteString("piece", score.Piece);
                    json.WriteNumber("logit", score.Logit);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteNumber("logsumexp", mask.LogSumExp);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (prediction.Hidden is { } rows)
            {
                json.WriteStartArray("hidden");
                foreach (var row in rows)
                {
                    json.WriteStartArray();
                    foreach (var value in row)
                        json.WriteNumberValue(value);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
