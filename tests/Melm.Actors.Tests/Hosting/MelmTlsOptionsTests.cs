using Akka.Configuration;
using Akka.Remote;
using Melm.Actors.Hosting;
using Melm.Actors.Tests.Support;
using Melm.Models.Diagnostics;

namespace Melm.Actors.Tests.Hosting;

public class MelmTlsOptionsTests
{
    private static string Write(TempFolder root, string json)
    {
        var path = root.Combine("node.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static string[] Problems(TempFolder root, string json, Func<string, string?>? environment = null) =>
        Assert.Throws<InputException>(() => MelmClusterConfig.Load(Write(root, json), root.Path, environment ?? (_ => null)))
            .Problems.Select(p => p.Message).ToArray();

    [Fact]
    public void RemotingIsPlainTcpOnLoopbackUnlessConfigured()
    {
        using var root = new TempFolder();
        var options = MelmClusterConfig.Load(Write(root, "{}"), root.Path);
        Assert.Equal(("127.0.0.1", (MelmTlsOptions?)null), (options.Hostname, options.Tls));
    }

    [Fact]
    public void ACertificateFileBecomesAkkasSslSettingsWithItsPasswordFromTheEnvironment()
    {
        using var root = new TempFolder();
        Directory.CreateDirectory(root.Combine("certs"));
        TestCertificates.WritePfx(root.Combine("certs", "node.pfx"), "pa\"ss");
        var environment = new Dictionary<string, string> { ["MELM_TLS_PASSWORD"] = "pa\"ss" };

        // A relative certificate path is relative to the settings file, not to the working folder.
        var options = MelmClusterConfig.Load(
            Write(root, """{ "tls": { "certificatePath": "certs/node.pfx", "certificatePassword": "${MELM_TLS_PASSWORD}" } }"""),
            root.Path,
            environment.GetValueOrDefault);
        var config = options.Tls!.ToConfig();

        Assert.True(config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        Assert.Equal(root.Combine("certs", "node.pfx"), config.GetString("akka.remote.dot-netty.tcp.ssl.certificate.path"));
        Assert.Equal("pa\"ss", config.GetString("akka.remote.dot-netty.tcp.ssl.certificate.password"));
        Assert.False(config.GetBoolean("akka.remote.dot-netty.tcp.ssl.certificate.use-thumbprint-over-file"));
        Assert.True(config.GetBoolean("akka.remote.dot-netty.tcp.ssl.require-mutual-authentication"));
        Assert.False(config.GetBoolean("akka.remote.dot-netty.tcp.ssl.suppress-validation"));
        Assert.DoesNotContain("pa\"ss", options.Tls.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AThumbprintReadsTheStoreAndEveryKeyIsOneAkkaKnows()
    {
        using var root = new TempFolder();
        var options = MelmClusterConfig.Load(
            Write(root, """{ "tls": { "thumbprint": "45df32e258c92a7abf6c112e54912ab15bbb9eb0", "storeLocation": "local-machine", "validateCertificateHostname": true } }"""),
            root.Path);
        var config = options.Tls!.ToConfig();

        Assert.True(config.GetBoolean("akka.remote.dot-netty.tcp.ssl.certificate.use-thumbprint-over-file"));
        Assert.Equal("45df32e258c92a7abf6c112e54912ab15bbb9eb0", config.GetString("akka.remote.dot-netty.tcp.ssl.certificate.thumbprint"));
        Assert.Equal(("local-machine", "My"), (config.GetString("akka.remote.dot-netty.tcp.ssl.certificate.store-location"), config.GetString("akka.remote.dot-netty.tcp.ssl.certificate.store-name")));
        Assert.True(config.GetBoolean("akka.remote.dot-netty.tcp.ssl.validate-certificate-hostname"));
        // A misspelt key would be ignored silently by Akka: each one must exist in Akka.Remote's own reference settings.
        using var stream = typeof(RemoteSettings).Assembly.GetManifestResourceStream("Akka.Remote.Configuration.Remote.conf")!;
        var reference = ConfigurationFactory.ParseString(new StreamReader(stream).ReadToEnd());
        var keys = Leaves(config.Root, "").ToArray();
        Assert.Equal(10, keys.Length);
        Assert.All(keys, key => Assert.True(reference.HasPath(key), $"Akka.Remote has no setting {key}"));
    }

    private static IEnumerable<string> Leaves(Akka.Configuration.Hocon.HoconValue value, string path) =>
        value.IsObject()
            ? value.GetObject().Items.SelectMany(item => Leaves(item.Value, path.Length == 0 ? item.Key : path + "." + item.Key))
            : [path];

    [Fact]
    public void SeedNodesOfATlsNodeUseTheTlsScheme()
    {
        using var root = new TempFolder();
        TestCertificates.WritePfx(root.Combine("node.pfx"), "");
        var problem = Assert.Single(Problems(root, """{ "seedNodes": ["akka.tcp://melm@10.0.0.1:4053"], "tls": { "certificatePath": "node.pfx" } }"""));
        Assert.Equal("seed node \"akka.tcp://melm@10.0.0.1:4053\" is not an address like akka.ssl.tcp://melm@127.0.0.1:4053 (with TLS on)", problem);
        var options = MelmClusterConfig.Load(Write(root, """{ "seedNodes": ["akka.ssl.tcp://melm@10.0.0.1:4053"], "tls": { "certificatePath": "node.pfx" } }"""), root.Path);
        Assert.Equal(["akka.ssl.tcp://melm@10.0.0.1:4053"], options.SeedNodes);
    }

    [Fact]
    public void CertificateProblemsAreNamedBeforeTheNodeStarts()
    {
        using var root = new TempFolder();
        TestCertificates.WritePfx(root.Combine("good.pfx"), "right");
        TestCertificates.WritePfx(root.Combine("old.pfx"), "right", expired: true);
        TestCertificates.WriteWithoutKey(root.Combine("public.pfx"));

        Assert.Equal([$"tls.certificatePath: no such file {root.Combine("missing.pfx")}"], Problems(root, """{ "tls": { "certificatePath": "missing.pfx" } }"""));
        Assert.StartsWith($"tls.certificatePath: cannot open {root.Combine("good.pfx")} as a PKCS#12 file with the given password", Assert.Single(Problems(root, """{ "tls": { "certificatePath": "good.pfx", "certificatePassword": "wrong" } }""")), StringComparison.Ordinal);
        Assert.Contains("holds no private key", Assert.Single(Problems(root, """{ "tls": { "certificatePath": "public.pfx" } }""")), StringComparison.Ordinal);
        Assert.Contains("not now", Assert.Single(Problems(root, """{ "tls": { "certificatePath": "old.pfx", "certificatePassword": "right" } }""")), StringComparison.Ordinal);
        Assert.Contains("one of the two", Assert.Single(Problems(root, """{ "tls": { } }""")), StringComparison.Ordinal);
        Assert.Equal(3, Problems(root, """{ "tls": { "thumbprint": "xyz", "storeLocation": "attic", "certificatePassword": "${NOPE}" } }""").Length);
    }

    [Fact]
    public void TheEndpointsHttpsLoadsTheTlsCertificateWithItsKeyAndNeedsATlsSection()
    {
        using var root = new TempFolder();
        TestCertificates.WritePfx(root.Combine("node.pfx"), "right");

        var options = MelmClusterConfig.Load(Write(root, """{ "tls": { "certificatePath": "node.pfx", "certificatePassword": "right" }, "endpointTls": true }"""), root.Path);
        using var certificate = options.Tls!.LoadCertificate();

        Assert.True(options.EndpointTls);
        Assert.True(certificate.HasPrivateKey);
        Assert.Equal("CN=melm-test", certificate.Subject);
        Assert.False(MelmClusterConfig.Load(Write(root, """{ "tls": { "certificatePath": "node.pfx", "certificatePassword": "right" } }"""), root.Path).EndpointTls);
        Assert.StartsWith("endpointTls: HTTPS on the node's endpoint presents the certificate of the \"tls\" section, and there is none", Assert.Single(Problems(root, """{ "endpointTls": true }""")), StringComparison.Ordinal);
    }

    [Fact]
    public void ACertificateNotInTheStoreIsNamedWhenTheEndpointLoadsIt()
    {
        var tls = new MelmTlsOptions { Thumbprint = "45df32e258c92a7abf6c112e54912ab15bbb9eb0" };

        var problem = Assert.Single(Assert.Throws<InputException>(() => tls.LoadCertificate()).Problems);

        Assert.Equal("tls.thumbprint", problem.Source);
        // No such certificate, or (on a machine where the user has none) no such store: either way the message names both.
        Assert.Contains("45df32e258c92a7abf6c112e54912ab15bbb9eb0", problem.Message, StringComparison.Ordinal);
        Assert.Contains("in the store current-user/My", problem.Message, StringComparison.Ordinal);
    }
}
