using System.CommandLine;
using Melm.Models.Checkpoints.Hub;
using Melm.Models.Diagnostics;
using Spectre.Console;

namespace Melm.Host.Commands;

/// <summary>`melm model ...`: model folders. `fetch` downloads one from a Hugging Face hub.</summary>
public static class ModelCommand
{
    public const string DefaultEndpoint = "https://huggingface.co";

    public static Command Create()
    {
        var model = new Command("model", "Model folders.");
        model.Subcommands.Add(CreateFetch());
        return model;
    }

    private static Command CreateFetch()
    {
        var name = new Argument<string>("NAME") { Description = "Hub model name, e.g. FacebookAI/xlm-roberta-base." };
        var revision = new Option<string>("--revision") { Description = "Branch, tag or commit.", DefaultValueFactory = _ => "main" };
        var output = new Option<DirectoryInfo?>("--out") { Description = "The folder to fill [default: models/NAME]." };
        var endpoint = new Option<string?>("--endpoint") { Description = $"The hub's address [default: $HF_ENDPOINT, else {DefaultEndpoint}]." };
        var files = new Option<string[]>("--files")
        {
            Description = "Glob patterns (* and ?) choosing the files, instead of the files Melm needs.",
            AllowMultipleArgumentsPerToken = true,
        };
        var fetch = new Command(
            "fetch",
            "Download a model folder from a Hugging Face hub: config.json, the weights and the tokenizer files. "
            + "Partial downloads resume, every file is checked against the hub's size and checksum, and files already "
            + "present and verified are not downloaded again. A token in HF_TOKEN is sent to the hub.")
        {
            name, revision, output, endpoint, files,
        };
        fetch.SetAction(parseResult => Cli.Run(() =>
        {
            var modelName = parseResult.GetValue(name)!;
            var request = new ModelFetchRequest(
                modelName,
                parseResult.GetValue(revision)!,
                parseResult.GetValue(output)?.FullName ?? Path.Combine(["models", .. modelName.Split('/')]),
                ParseEndpoint(parseResult.GetValue(endpoint) ?? Environment.GetEnvironmentVariable("HF_ENDPOINT")),
                Environment.GetEnvironmentVariable("HF_TOKEN"),
                parseResult.GetValue(files));
            return Fetch(request, ConsoleOutput.Create());
        }));
        return fetch;
    }

    private static Uri ParseEndpoint(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return new Uri(DefaultEndpoint);
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new InputException("--endpoint", null, $"'{text}' is not an http or https address (from --endpoint or HF_ENDPOINT)");
        return uri;
    }

    /// <summary>Runs the fetch with a progress bar per file, then says what was downloaded and what was already there.</summary>
    internal static int Fetch(ModelFetchRequest request, IAnsiConsole console)
    {
        ModelFetchResult? result = null;
        console.Progress()
            .AutoClear(false)
            .Columns(
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn(),
                new PercentageColumn(),
                new DownloadedColumn(),
                new TransferSpeedColumn(),
                new RemainingTimeColumn())
            .Start(context => result = ModelFetcher.FetchAsync(request, new FetchProgressDisplay(context)).GetAwaiter().GetResult());

        foreach (var skipped in result!.Files.Where(f => f.Outcome == FetchedFileOutcome.AlreadyPresent))
            console.MarkupLineInterpolated($"[grey]{skipped.Path}: already present and verified, not downloaded again[/]");
        var downloaded = result.Files.Count(f => f.Outcome == FetchedFileOutcome.Downloaded);
        var resumed = result.Files.Count(f => f.Outcome == FetchedFileOutcome.Resumed);
        var present = result.Files.Count(f => f.Outcome == FetchedFileOutcome.AlreadyPresent);
        var commit = result.Revision.Commit[..Math.Min(12, result.Revision.Commit.Length)];
        console.MarkupLineInterpolated(
            $"Fetched [bold]{result.Revision.Name}[/] at {result.Revision.Revision} (commit {commit}) into {result.OutputDirectory}: {downloaded} downloaded, {resumed} resumed, {present} already present.");
        return 0;
    }
}
