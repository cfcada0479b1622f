using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Akka.Configuration;
using Melm.Models.Diagnostics;

namespace Melm.Actors.Hosting;

/// <summary>
/// TLS for remoting (Akka.Remote's DotNetty transport, akka.remote.dot-netty.tcp.enable-ssl): each
/// node presents a certificate with its private key, from a PKCS#12 file or, by thumbprint, from
/// the certificate store, and checks the other side's against the trusted roots. Every node of a
/// cluster needs it on, or none.
/// </summary>
public sealed record MelmTlsOptions
{
    public const string CurrentUser = "current-user";
    public const string LocalMachine = "local-machine";

    /// <summary>A PKCS#12 (.pfx) file holding the certificate and its private key.</summary>
    public string? CertificatePath { get; init; }

    public string? CertificatePassword { get; init; }

    /// <summary>Instead of a file: the certificate with this thumbprint in StoreName at StoreLocation.</summary>
    public string? Thumbprint { get; init; }

    public string StoreName { get; init; } = "My";

    public string StoreLocation { get; init; } = CurrentUser;

    /// <summary>Both sides present certificates (Akka's default); off, only the accepting side does.</summary>
    public bool RequireMutualAuthentication { get; init; } = true;

    /// <summary>The accepting side's certificate must name the host it was reached at.</summary>
    public bool ValidateCertificateHostname { get; init; }

    /// <summary>
    /// Accept any certificate: traffic is encrypted but nobody is authenticated. Only for self-signed
    /// certificates on a network that is already closed.
    /// </summary>
    public bool SuppressValidation { get; init; }

    /// <summary>
    /// Why the certificate cannot be used (missing file, wrong password, no private key, expired), or
    /// null. Certificates in a store are looked up by Akka when the node starts.
    /// </summary>
    public string? CertificateProblem(DateTimeOffset now)
    {
        if (CertificatePath is null)
            return null;
        if (!File.Exists(CertificatePath))
            return $"tls.certificatePath: no such file {CertificatePath}";
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, CertificatePassword);
        }
        catch (CryptographicException e)
        {
            return $"tls.certificatePath: cannot open {CertificatePath} as a PKCS#12 file with the given password: {e.Message}";
        }
        using (certificate)
        {
            if (!certificate.HasPrivateKey)
                return $"tls.certificatePath: {CertificatePath} holds no private key, which the node needs to prove who it is";
            if (certificate.NotAfter < now.LocalDateTime || certificate.NotBefore > now.LocalDateTime)
                return $"tls.certificatePath: the certificate in {CertificatePath} is valid from {certificate.NotBefore:u} to {certificate.NotAfter:u}, not now";
        }
        return null;
    }

    /// <summary>
    /// The certificate with its private key, for a server that presents it itself (the node's HTTPS
    /// endpoint; Akka loads remoting's from the same settings). A store that cannot be opened, or holds
    /// no such certificate, is bad input that says which.
    /// </summary>
    public X509Certificate2 LoadCertificate()
    {
        if (CertificateProblem(DateTimeOffset.Now) is { } problem)
            throw new InputException("tls", null, problem);
        if (CertificatePath is not null)
            return X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, CertificatePassword);
        var where = $"{StoreLocation}/{StoreName}";
        try
        {
            using var store = new X509Store(StoreName, StoreLocation == LocalMachine ? System.Security.Cryptography.X509Certificates.StoreLocation.LocalMachine : System.Security.Cryptography.X509Certificates.StoreLocation.CurrentUser);
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            var found = store.Certificates.Find(X509FindType.FindByThumbprint, Thumbprint!, validOnly: false);
            var certificate = found.FirstOrDefault(c => c.HasPrivateKey)
                ?? throw new InputException("tls.thumbprint", null, $"no certificate {Thumbprint} with its private key in the store {where}; import it there, or give certificatePath");
            foreach (var other in found.Where(c => c != certificate))
                other.Dispose();
            return certificate;
        }
        catch (CryptographicException e)
        {
            throw new InputException("tls.thumbprint", null, $"cannot look up certificate {Thumbprint} in the store {where}: {e.Message}");
        }
    }

    public Config ToConfig()
    {
        // JSON string literals are valid HOCON quoted strings, whatever the path or password holds.
        static string Quote(string? value) => JsonSerializer.Serialize(value ?? "");
        static string Flag(bool value) => value ? "on" : "off";
        return ConfigurationFactory.ParseString(string.Create(CultureInfo.InvariantCulture, $$"""
            akka.remote.dot-netty.tcp {
              enable-ssl = on
              ssl {
                suppress-validation = {{Flag(SuppressValidation)}}
                require-mutual-authentication = {{Flag(RequireMutualAuthentication)}}
                validate-certificate-hostname = {{Flag(ValidateCertificateHostname)}}
                certificate {
                  use-thumbprint-over-file = {{Flag(Thumbprint is not null)}}
                  path = {{Quote(CertificatePath)}}
                  password = {{Quote(CertificatePassword)}}
                  thumbprint = {{Quote(Thumbprint)}}
                  store-name = {{Quote(StoreName)}}
                  store-location = {{Quote(StoreLocation)}}
                }
              }
            }
            """));
    }

    /// <summary>The certificate's source, never its password.</summary>
    public override string ToString() =>
        Thumbprint is not null ? $"TLS with certificate {Thumbprint} from {StoreLocation}/{StoreName}" : $"TLS with certificate {CertificatePath}";
}
