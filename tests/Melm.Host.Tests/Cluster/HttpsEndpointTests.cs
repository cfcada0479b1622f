using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Melm.Actors.Tests.Support;
using Melm.Host.Cluster;
using Melm.Host.Tests.Commands;
using Melm.Models.Runs;

namespace Melm.Host.Tests.Cluster;

/// <summary>
/// HTTPS on a node's endpoint ("endpointTls" with the certificate of the settings' "tls" section),
/// on a real `melm node` with a self-signed PKCS#12 made here: the clients answer over https:// when
/// they trust that certificate (--ca-cert), refuse it when they do not, and say what to do when
/// plain HTTP meets the HTTPS port; certificate problems stop the node with the settings file's name.
/// </summary>
[Collection(ConsoleCapture.Collection)]
public sealed class HttpsEndpointTests : IDisposable
{
    private const int TestTimeout = 120_000;
    private const string Secret = "c0ffee00c0ffee00c0ffee00c0ffee00";
    private const string Password = "pfx-pass;word";
    private const string PasswordVariable = "MELM_TEST_TLS_PASSWORD";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly TempFolder _folder = new();
    private NodeProcess? _node;

    public void Dispose()
    {
        _node?.Dispose();
        _folder.Dispose();
    }

    [Fact(Timeout = TestTimeout)]
    public async Task ANodeWithHttpsAnswersClientsThatTrustItsCertificateAndRefusesTheRest()
    {
        var seedPort = FreePorts.Next();
        var statusPort = FreePorts.Next();
        var pfx = TestCertificates.WritePfx(_folder.Combine("node.pfx"), Password);
        var caCert = WriteCertificatePem(pfx, _folder.Combine("node.crt"));
        var tokenFile = _folder.Write("api-token", Secret + "\n");
        var config = _folder.Write("coordinator.json", $$"""
            {
              "roles": ["coordinator"], "port": {{seedPort}}, "seedNodes": ["akka.ssl.tcp://melm@127.0.0.1:{{seedPort}}"],
              "tls": { "certificatePath": "node.pfx", "certificatePassword": "${{{PasswordVariable}}}", "suppressValidation": true },
              "endpointTls": true,
              "apiTokenFile": "api-token"
            }
            """);
        _node = new NodeProcess(_folder.Combine("node.log"), new Dictionary<string, string> { [PasswordVariable] = Password, [ApiToken.Variable] = "" },
            "node", "--config", config, "--run-root", _folder.Combine("root"), "--status-port", statusPort.ToString(CultureInfo.InvariantCulture));
        var url = $"https://127.0.0.1:{statusPort}/";
        using var client = new StatusClient(url, ApiToken.FromFile(tokenFile), StatusClient.LoadTrusted(caCert));
        await UntilAsync(async () =>
        {
            try
            {
                return (await client.StatusAsync()).Members.Any(m => m.Status == "Up");
            }
            catch (RunRequestException)
            {
                return false;
            }
        }, "the coordinator to be up over HTTPS");
        Assert.Contains($"status endpoint: {url}status", _node.Log(), StringComparison.Ordinal);

        // An authenticated submit over HTTPS, then the commands with --ca-cert: status, cancel with the token, health.
        Assert.Equal("over-https", (await client.SubmitAsync(Spec("over-https"))).RunId);
        var (statusCode, status, statusError) = ConsoleCapture.Run("status", "--url", url, "--ca-cert", caCert, "--json");
        Assert.True(statusCode == 0, statusError);
        Assert.Contains("\"over-https\"", status, StringComparison.Ordinal);
        var (refusedCode, _, refusedError) = ConsoleCapture.Run("cancel", "over-https", "--url", url, "--ca-cert", caCert);
        Assert.Equal(1, refusedCode);
        Assert.Contains("unauthorized: POST /runs/over-https/cancel came with no API token", refusedError, StringComparison.Ordinal);
        var (cancelCode, cancel, cancelError) = ConsoleCapture.Run("cancel", "over-https", "--url", url, "--ca-cert", caCert, "--token-file", tokenFile);
        Assert.True(cancelCode == 0, cancelError);
        Assert.Contains("run over-https: cancelled", cancel, StringComparison.Ordinal);
        var (healthCode, health, healthError) = ConsoleCapture.Run("health", "--live", "--url", url, "--ca-cert", caCert);
        Assert.True(healthCode == 0, healthError);
        Assert.Contains("\"akka.actorsystem\"", health, StringComparison.Ordinal);

        // /metrics shares the HTTPS port.
        using (var certificate = StatusClient.LoadTrusted(caCert))
        {
            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint };
            using var http = new HttpClient(handler);
            Assert.Contains("process_cpu_time_seconds_total", await http.GetStringAsync(new Uri(url + "metrics"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        // Without --ca-cert the self-signed certificate is not trusted; nothing accepts it silently.
        var (untrustedCode, _, untrusted) = ConsoleCapture.Run("status", "--url", url);
        Assert.Equal(1, untrustedCode);
        Assert.Contains("the node's certificate is not trusted here", untrusted, StringComparison.Ordinal);
        Assert.Contains("give --ca-cert", untrusted, StringComparison.Ordinal);

        // Plain HTTP to the HTTPS port fails on the client's side with what to do.
        var (plainCode, _, plain) = ConsoleCapture.Run("status", "--url", $"http://127.0.0.1:{statusPort}");
        Assert.Equal(1, plainCode);
        Assert.Contains("use an https:// --url", plain, StringComparison.Ordinal);
        var (mixedCode, _, mixed) = ConsoleCapture.Run("status", "--url", $"http://127.0.0.1:{statusPort}", "--ca-cert", caCert);
        Assert.Equal(2, mixedCode);
        Assert.Contains("--ca-cert: it is for an https:// --url", mixed, StringComparison.Ordinal);
        Assert.False(_node.HasExited, _node.Log());
    }

    [Fact]
    public void CertificateProblemsStopTheNodeAndTheClientsWithTheFileAndWhatIsWrong()
    {
        var good = TestCertificates.WritePfx(_folder.Combine("good.pfx"), "right");
        var missing = _folder.Write("missing.json", """{ "roles": ["coordinator"], "tls": { "certificatePath": "nowhere.pfx" }, "endpointTls": true }""");
        var wrong = _folder.Write("wrong.json", """{ "roles": ["coordinator"], "tls": { "certificatePath": "good.pfx", "certificatePassword": "wrong" }, "endpointTls": true }""");
        var noTls = _folder.Write("no-tls.json", """{ "roles": ["coordinator"], "endpointTls": true }""");

        var (missingCode, _, missingError) = Node(missing);
        var (wrongCode, _, wrongError) = Node(wrong);
        var (noTlsCode, _, noTlsError) = Node(noTls);

        Assert.Equal((2, 2, 2), (missingCode, wrongCode, noTlsCode));
        Assert.Contains($"{missing}: tls.certificatePath: no such file {_folder.Combine("nowhere.pfx")}", missingError, StringComparison.Ordinal);
        Assert.Contains($"{wrong}: tls.certificatePath: cannot open {good} as a PKCS#12 file with the given password", wrongError, StringComparison.Ordinal);
        Assert.Contains($"{noTls}: endpointTls: HTTPS on the node's endpoint presents the certificate of the \"tls\" section, and there is none", noTlsError, StringComparison.Ordinal);

        var url = $"https://127.0.0.1:{FreePorts.Next()}";
        var (absentCode, _, absentError) = ConsoleCapture.Run("status", "--url", url, "--ca-cert", _folder.Combine("absent.crt"));
        var (pfxCode, _, pfxError) = ConsoleCapture.Run("health", "--url", url, "--ca-cert", good);
        Assert.Equal((2, 2), (absentCode, pfxCode));
        Assert.Contains($"{_folder.Combine("absent.crt")}: no such file", absentError, StringComparison.Ordinal);
        Assert.Contains($"{good}: not a certificate in PEM or DER", pfxError, StringComparison.Ordinal);
    }

    private (int, string, string) Node(string config) =>
        ConsoleCapture.Run("node", "--config", config, "--status-port", FreePorts.Next().ToString(CultureInfo.InvariantCulture), "--run-root", _folder.Combine("root"));

    /// <summary>The certificate of a PKCS#12 file alone, in PEM: what a client is handed to trust.</summary>
    private static string WriteCertificatePem(string pfx, string path)
    {
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(pfx, Password);
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }

    private RunSpec Spec(string runId) => NodeProcess.OneSentenceRun(_folder, runId);

    private Task UntilAsync(Func<Task<bool>> condition, string what) => NodeProcess.UntilAsync(condition, what, Wait, _node is null ? [] : [_node]);
}
