using System.Net;
using System.Security.Cryptography;
using System.Text;
using Melm.Models.Diagnostics;

namespace Melm.Host.Cluster;

/// <summary>
/// The bearer token that guards the coordinator endpoint's mutating verbs (submit, resume, cancel):
/// one line of printable characters, from a token file or the MELM_API_TOKEN environment variable.
/// The token itself never appears in a message.
/// </summary>
internal sealed class ApiToken
{
    public const string Variable = "MELM_API_TOKEN";

    /// <summary>Shorter tokens can be guessed; `openssl rand -hex 32` makes a good one.</summary>
    public const int MinLength = 16;

    private readonly byte[] _hash;

    private ApiToken(string value)
    {
        Value = value;
        _hash = SHA256.HashData(Encoding.UTF8.GetBytes(value));
    }

    public string Value { get; }

    /// <summary>The token in <paramref name="path"/> (a trailing line break is allowed); an empty or malformed file is an error that names it.</summary>
    public static ApiToken FromFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, null, $"cannot read the API token file: {e.Message}");
        }
        return Parse(text, path, "the API token file");
    }

    /// <summary>The token in MELM_API_TOKEN, or null when it is unset or empty.</summary>
    public static ApiToken? FromEnvironment(Func<string, string?>? environment = null)
    {
        var text = (environment ?? Environment.GetEnvironmentVariable)(Variable);
        return string.IsNullOrEmpty(text) ? null : Parse(text, Variable, "the API token");
    }

    /// <summary>The token a client sends or a node requires: the file when one is named, else MELM_API_TOKEN, else none.</summary>
    public static ApiToken? Resolve(string? file) => file is null ? FromEnvironment() : FromFile(file);

    /// <summary>
    /// Whether an Authorization header carries this token as "Bearer TOKEN". Both sides are hashed
    /// first and compared in constant time, so neither the token's bytes nor its length show in
    /// how long a refusal takes.
    /// </summary>
    public bool Accepts(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return false;
        var offered = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(offered, _hash);
    }

    /// <summary>Whether a listener on <paramref name="host"/> can be reached only from this machine.</summary>
    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static ApiToken Parse(string text, string source, string what)
    {
        var token = text.TrimEnd('\r', '\n');
        if (token.Trim().Length == 0)
            throw new InputException(source, null, $"{what} is empty; put one line with the token in it (for example the output of `openssl rand -hex 32`)");
        if (token.Contains('\n', StringComparison.Ordinal))
            throw new InputException(source, null, $"{what} holds more than one line; it must be the token alone, on one line");
        if (token.Any(c => c <= ' ' || c > '~'))
            throw new InputException(source, null, $"{what} holds spaces or characters other than printable ASCII; a token is one word (for example the output of `openssl rand -hex 32`)");
        if (token.Length < MinLength)
            throw new InputException(source, null, $"{what} is {token.Length} characters long, too short to be hard to guess; use at least {MinLength} (for example the output of `openssl rand -hex 32`)");
        return new ApiToken(token);
    }
}
