using System.CommandLine;
using Melm.Models.Data;
using Melm.Models.Diagnostics;
using Melm.Models.Evaluation;

namespace Melm.Host.Commands;

/// <summary>`melm eval`: entity-level precision, recall and F1 of predicted tags against gold.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var gold = new Option<FileInfo>("--gold") { Description = "Gold file (CoNLL columns, or JSON Lines by its .jsonl extension).", Required = true };
        var predicted = new Option<FileInfo>("--pred") { Description = "Predicted file with the same sentences and tokens as the gold file.", Required = true };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the figures to this JSON file." };
        var strict = new Option<bool>("--strict") { Description = "Count only well-formed entities of the gold file's scheme (IOB2 or BIOES), as seqeval's strict mode; default is conlleval's reading." };
        var command = new Command("eval", "Entity-level micro precision, recall and F1 (conlleval semantics) of predictions against gold.");
        command.Options.Add(gold);
        command.Options.Add(predicted);
        command.Options.Add(json);
        command.Options.Add(strict);
        command.SetAction(parseResult => Cli.Run(() =>
        {
            var goldPath = parseResult.GetValue(gold)!.FullName;
            var predictedPath = parseResult.GetValue(predicted)!.FullName;
            var (goldCorpus, predictedCorpus) = ReadBoth(goldPath, predictedPath);
            TagScheme? scheme = null;
            if (parseResult.GetValue(strict))
            {
                scheme = TagSchemes.Detect(goldCorpus.Sentences.Select(s => s.Tags));
                if (scheme == TagScheme.Iob1)
                    throw new InputException(goldPath, null, "--strict needs IOB2 or BIOES gold tags, but some entities start with I- (IOB1); convert the file or leave out --strict");
                TagSchemes.EnsureValid(goldCorpus, scheme);
            }
            var report = EntityF1.Score(goldCorpus, predictedCorpus, scheme);
            Console.WriteLine($"gold {goldPath}, predicted {predictedPath}: {report.Sentences} sentences, {report.Mode}");
            ConsoleOutput.Create().Write(F1Table.Build(report));
            if (parseResult.GetValue(json) is { } jsonFile)
                JsonReport.Write(jsonFile.FullName, json =>
                {
                    json.WriteString("gold", goldPath);
                    json.WriteString("predicted", predictedPath);
                    report.WriteTo(json);
                });
            return 0;
        }));
        return command;
    }

    private static (Corpus Gold, Corpus Predicted) ReadBoth(string goldPath, string predictedPath)
    {
        var corpora = CorpusFile.ReadAll([goldPath, predictedPath]);
        return (corpora[0], corpora[1]);
    }
}
