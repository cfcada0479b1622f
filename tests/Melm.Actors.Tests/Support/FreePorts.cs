using System.Net;
using System.Net.Sockets;

namespace Melm.Actors.Tests.Support;

/// <summary>Loopback ports for nodes whose address must be known before they start (seeds, status endpoints).</summary>
public static class FreePorts
{
    /// <summary>A port nothing listens on now; the OS hands out a fresh one on each call.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
