using System.CommandLine;
using Melm.Host.Cluster;

namespace Melm.Host.Commands;

/// <summary>
/// `--token-file`, for the commands that talk to a coordinator's endpoint (submit, status, resume,
/// cancel, experiment --url): the API token to send, by default MELM_API_TOKEN's. A file keeps the
/// token off the command line, where other users of the machine can read it.
/// </summary>
internal sealed class TokenArguments
{
    private readonly Option<FileInfo?> _file = new("--token-file")
    {
        Description = $"File holding the coordinator's API token, needed to submit, resume and cancel when the node requires one (default: ${ApiToken.Variable}).",
    };

    public void AddTo(Command command) => command.Options.Add(_file);

    /// <summary>The token to send: the file's, MELM_API_TOKEN's, or none.</summary>
    public ApiToken? Read(ParseResult parseResult) => ApiToken.Resolve(parseResult.GetValue(_file)?.FullName);
}
