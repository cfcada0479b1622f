using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Melm.Host.Cluster;

/// <summary>
/// Where a node's endpoint listens, the API token its mutating verbs require (none: open), and the
/// certificate it serves HTTPS with (none: plain HTTP; the node settings' endpointTls turns it on
/// with the certificate of their tls section).
/// </summary>
internal sealed record NodeEndpoint(string Host, int Port, ApiToken? Token = null, X509Certificate2? Certificate = null)
{
    public string Url => $"{(Certificate is null ? "http" : "https")}://{Host}:{Port}/";

    public void UseTls(ListenOptions listen)
    {
        if (Certificate is not null)
            listen.UseHttps(Certificate);
    }
}
