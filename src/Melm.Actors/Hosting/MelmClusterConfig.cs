using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Serialization;
using Melm.Actors.Persistence;
using Melm.Models.Diagnostics;
using Npgsql;

namespace Melm.Actors.Hosting;

/// <summary>
/// Reads a node's settings from a cluster-config JSON file (cluster-config/coordinator.json,
/// worker.json). A relative SQLite file is taken relative to the run root, so the journal lives
/// with the runs it records. Secrets stay out of the file: ${NAME} in a connection string is
/// replaced by the environment variable NAME.
/// </summary>
public static partial class MelmClusterConfig
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public const string DefaultSqliteFile = "journal.db";

    public static MelmClusterOptions Load(string path, string runRoot) => Load(path, runRoot, Environment.GetEnvironmentVariable);

    /// <summary>Reads a node's settings, looking up ${NAME} references in secrets with the given function.</summary>
    public static MelmClusterOptions Load(string path, string runRoot, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        NodeFile file;
        try
        {
            file = JsonSerializer.Deserialize<NodeFile>(File.ReadAllBytes(path), Options)
                ?? throw new InputException(path, null, "the file holds null, not a node configuration object");
        }
        catch (JsonException e)
        {
            throw new InputException(path, e.LineNumber is { } line ? (int)line + 1 : null, $"not a node configuration: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, null, $"cannot read the file: {e.Message}");
        }
        return ToOptions(file, path, runRoot, environment);
    }

    private static MelmClusterOptions ToOptions(NodeFile file, string path, string runRoot, Func<string, string?> environment)
    {
        var problems = new List<string>();
        var roles = file.Roles ?? [MelmRoles.Coordinator, MelmRoles.Worker];
        foreach (var role in roles.Where(r => r is not (MelmRoles.Coordinator or MelmRoles.Worker)))
            problems.Add($"unknown role \"{role}\" (known: {MelmRoles.Coordinator}, {MelmRoles.Worker})");
        if (roles.Count == 0)
            problems.Add("\"roles\" is empty: a node is a coordinator, a worker or both");
        if (file.Port is < 0 or > 65535)
            problems.Add($"port {file.Port} is not between 0 and 65535");
        if (file.DownUnreachableAfterSeconds is <= 0)
            problems.Add($"downUnreachableAfterSeconds must be positive, got {file.DownUnreachableAfterSeconds}");
        if (file.WorkerCapacity is < 1)
            problems.Add($"workerCapacity must be at least 1, got {file.WorkerCapacity}");
        if (file.ApiTokenFile is { } tokenFile && string.IsNullOrWhiteSpace(tokenFile))
            problems.Add("apiTokenFile is empty: name the file that holds the API token, or leave the field out");
        if (file.WorkerPrefetch is < 0)
            problems.Add($"workerPrefetch must be 0 or more, got {file.WorkerPrefetch}");
        // Remoting over TLS has its own address scheme, and a node only reaches addresses of its own.
        var scheme = file.Tls is null ? "akka.tcp://" : "akka.ssl.tcp://";
        foreach (var seed in file.SeedNodes ?? [])
        {
            if (!seed.StartsWith(scheme, StringComparison.Ordinal) || !seed.Contains('@', StringComparison.Ordinal))
                problems.Add($"seed node \"{seed}\" is not an address like {scheme}melm@127.0.0.1:4053" + (file.Tls is null ? "" : " (with TLS on)"));
        }
        var persistence = Persistence(file.Persistence, runRoot, environment, problems);
        var tls = Tls(file.Tls, path, environment, problems);
        if (file.EndpointTls == true && file.Tls is null)
            problems.Add("endpointTls: HTTPS on the node's endpoint presents the certificate of the \"tls\" section, and there is none: add one (certificatePath or thumbprint)");
        if (problems.Count > 0)
            throw new InputException(problems.Select(p => new InputProblem(path, null, p)).ToArray());
        var defaults = new MelmClusterOptions { Persistence = persistence! };
        return defaults with
        {
            SystemName = file.SystemName ?? defaults.SystemName,
            Hostname = file.Hostname ?? defaults.Hostname,
            Port = file.Port ?? defaults.Port,
            Roles = roles,
            SeedNodes = file.SeedNodes ?? [],
            Devices = file.Devices ?? defaults.Devices,
            WorkerCapacity = file.WorkerCapacity ?? defaults.WorkerCapacity,
            WorkerPrefetch = file.WorkerPrefetch ?? defaults.WorkerPrefetch,
            DownUnreachableAfter = file.DownUnreachableAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : defaults.DownUnreachableAfter,
            Tls = tls,
            EndpointTls = file.EndpointTls ?? false,
            ApiTokenFile = file.ApiTokenFile is null ? null : Path.GetFullPath(file.ApiTokenFile, Path.GetDirectoryName(Path.GetFullPath(path))!),
        };
    }

    /// <summary>TLS for remoting when the file has a "tls" section; a relative certificate path is taken relative to the file.</summary>
    private static MelmTlsOptions? Tls(TlsFile? file, string path, Func<string, string?> environment, List<string> problems)
    {
        if (file is null)
            return null;
        var count = problems.Count;
        if ((file.CertificatePath is null) == (file.Thumbprint is null))
            problems.Add("tls: give \"certificatePath\" (a PKCS#12 file with the private key) or \"thumbprint\" (a certificate in the store), one of the two");
        if (file.Thumbprint is { } thumbprint && (thumbprint.Length != 40 || !thumbprint.All(char.IsAsciiHexDigit)))
            problems.Add($"tls.thumbprint \"{thumbprint}\" is not 40 hexadecimal digits");
        if (file.StoreLocation is not (null or MelmTlsOptions.CurrentUser or MelmTlsOptions.LocalMachine))
            problems.Add($"tls.storeLocation \"{file.StoreLocation}\" is not {MelmTlsOptions.CurrentUser} or {MelmTlsOptions.LocalMachine}");
        var password = file.CertificatePassword is null ? null : Expand(file.CertificatePassword, "tls.certificatePassword", environment, problems);
        if (problems.Count > count)
            return null;
        var defaults = new MelmTlsOptions();
        var tls = defaults with
        {
            CertificatePath = file.CertificatePath is null ? null : Path.GetFullPath(file.CertificatePath, Path.GetDirectoryName(Path.GetFullPath(path))!),
            CertificatePassword = password,
            Thumbprint = file.Thumbprint,
            StoreName = file.StoreName ?? defaults.StoreName,
            StoreLocation = file.StoreLocation ?? defaults.StoreLocation,
            RequireMutualAuthentication = file.RequireMutualAuthentication ?? defaults.RequireMutualAuthentication,
            ValidateCertificateHostname = file.ValidateCertificateHostname ?? defaults.ValidateCertificateHostname,
            SuppressValidation = file.SuppressValidation ?? defaults.SuppressValidation,
        };
        if (tls.CertificateProblem(DateTimeOffset.Now) is { } problem)
            problems.Add(problem);
        return tls;
    }

    private static MelmPersistenceOptions? Persistence(PersistenceFile? file, string runRoot, Func<string, string?> environment, List<string> problems)
    {
        switch (file?.Provider ?? "sqlite")
        {
            case "sqlite":
                if (file?.ConnectionString is not null)
                    problems.Add("persistence: give \"sqliteFile\" for SQLite, not \"connectionString\"");
                return MelmPersistenceOptions.SqliteFile(Path.Combine(runRoot, file?.SqliteFile ?? DefaultSqliteFile));
            case "postgresql":
                if (file?.SqliteFile is not null)
                    problems.Add("persistence: give \"connectionString\" for PostgreSQL, not \"sqliteFile\"");
                if (string.IsNullOrWhiteSpace(file?.ConnectionString))
                {
                    problems.Add("persistence: PostgreSQL needs a \"connectionString\"");
                    return null;
                }
                var connectionString = ExpandConnectionString(file.ConnectionString, environment, problems);
                if (connectionString is null)
                    return null;
                if (MelmPersistenceOptions.PostgreSqlProblem(connectionString) is { } problem)
                {
                    problems.Add("persistence: " + problem);
                    return null;
                }
                return MelmPersistenceOptions.PostgreSql(connectionString);
            case var other:
                problems.Add($"persistence: unknown provider \"{other}\" (known: sqlite, postgresql)");
                return null;
        }
    }

    /// <summary>
    /// A PostgreSQL connection string with its ${NAME} references replaced key by key through the
    /// connection string builder, which quotes what needs quoting (a password may hold ';').
    /// </summary>
    private static string? ExpandConnectionString(string template, Func<string, string?> environment, List<string> problems)
    {
        if (!VariableReference().IsMatch(template))
            return template;
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(template);
        }
        catch (ArgumentException)
        {
            // Left as written: the connection string check names the problem.
            return template;
        }
        foreach (var key in builder.Keys.Cast<string>().ToList())
        {
            if (builder[key] is string value && VariableReference().IsMatch(value))
            {
                if (Expand(value, "persistence.connectionString", environment, problems) is not { } expanded)
                    return null;
                builder[key] = expanded;
            }
        }
        return builder.ConnectionString;
    }

    /// <summary>The value with each ${NAME} replaced by that environment variable, or null (and a problem) when one is not set.</summary>
    private static string? Expand(string value, string field, Func<string, string?> environment, List<string> problems)
    {
        var unset = new List<string>();
        var expanded = VariableReference().Replace(value, match =>
        {
            if (environment(match.Groups[1].Value) is { } found)
                return found;
            unset.Add(match.Value);
            return match.Value;
        });
        foreach (var reference in unset.Distinct(StringComparer.Ordinal))
            problems.Add($"{field} refers to {reference}, but that environment variable is not set");
        return unset.Count == 0 ? expanded : null;
    }

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex VariableReference();

    private sealed record NodeFile(
        string? SystemName,
        string? Hostname,
        int? Port,
        IReadOnlyList<string>? Roles,
        IReadOnlyList<string>? SeedNodes,
        PersistenceFile? Persistence,
        IReadOnlyList<string>? Devices,
        int? WorkerCapacity,
        int? WorkerPrefetch,
        double? DownUnreachableAfterSeconds,
        TlsFile? Tls,
        bool? EndpointTls,
        string? ApiTokenFile);

    private sealed record PersistenceFile(string? Provider, string? SqliteFile, string? ConnectionString);

    private sealed record TlsFile(
        string? CertificatePath,
        string? CertificatePassword,
        string? Thumbprint,
        string? StoreName,
        string? StoreLocation,
        bool? RequireMutualAuthentication,
        bool? ValidateCertificateHostname,
        bool? SuppressValidation);
}
