using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Melm.Actors.Tests.Support;

/// <summary>Self-signed certificates for 127.0.0.1, written as files the way an operator would provide them.</summary>
public static class TestCertificates
{
    /// <summary>A PKCS#12 file with the certificate and its private key, valid from yesterday for a month (or expired yesterday).</summary>
    public static string WritePfx(string path, string password, bool expired = false)
    {
        var now = DateTimeOffset.UtcNow;
        using var certificate = expired ? Create(now.AddDays(-30), now.AddDays(-1)) : Create(now.AddDays(-1), now.AddDays(30));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    /// <summary>A PKCS#12 file with the certificate alone, as handed out for others to trust: no private key.</summary>
    public static string WriteWithoutKey(string path)
    {
        using var withKey = Create(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var publicOnly = X509CertificateLoader.LoadCertificate(withKey.RawData);
        File.WriteAllBytes(path, publicOnly.Export(X509ContentType.Pkcs12));
        return path;
    }

    private static X509Certificate2 Create(DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=melm-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(notBefore, notAfter);
    }
}
