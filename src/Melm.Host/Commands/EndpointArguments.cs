using System.CommandLine;
using Melm.Host.Cluster;
using Melm.Models.Diagnostics;

namespace Melm.Host.Commands;

/// <summary>
/// What the commands that talk to a node's endpoint (submit, status, resume, cancel, cluster,
/// health, experiment --url) send and trust: `--token-file`, the API token to send, by default
/// MELM_API_TOKEN's (a file keeps the token off the command line, where other users of the machine
/// can read it); `--ca-cert`, the certificate to trust for an https:// --url.
/// </summary>
internal sealed class EndpointArguments
{
    private readonly Option<FileInfo?>? _token;

    private readonly Option<FileInfo?> _caCert = new("--ca-cert")
    {
        Description = "Certificate (PEM or DER) to trust for an https:// --url besides the system's roots: the node's own self-signed certificate, or the private CA that issued it.",
    };

    /// <param name="sendsToken">Whether the command takes --token-file (health only GETs, which need no token).</param>
    public EndpointArguments(bool sendsToken = true)
    {
        if (sendsToken)
        {
            _token = new("--token-file")
            {
                Description = $"File holding the coordinator's API token, needed to submit, resume and cancel when the node requires one (default: ${ApiToken.Variable}).",
            };
        }
    }

    public void AddTo(Command command)
    {
        if (_token is not null)
            command.Options.Add(_token);
        command.Options.Add(_caCert);
    }

    /// <summary>A client of the endpoint at <paramref name="url"/> (checked), with the token (the file's, MELM_API_TOKEN's, or none) and the certificate to trust.</summary>
    public StatusClient Connect(ParseResult parseResult, string url)
    {
        var address = StatusClient.Check(url);
        var caCert = parseResult.GetValue(_caCert);
        if (caCert is not null && address.Scheme != Uri.UriSchemeHttps)
            throw new InputException("--ca-cert", null, $"it is for an https:// --url, and {url} is plain HTTP");
        var token = _token is null ? null : ApiToken.Resolve(parseResult.GetValue(_token)?.FullName);
        return new StatusClient(address.ToString(), token, caCert is null ? null : StatusClient.LoadTrusted(caCert.FullName));
    }
}
