using System.Net;
using System.Net.Sockets;
using Melm.Actors.Tests.Support;

namespace Melm.Host.Tests.Cluster;

/// <summary>
/// A TCP forwarder on a loopback port to a server (the test's PostgreSQL), which a test can cut: every
/// open connection closed and new ones refused, as when the database server stops, until Restore.
/// The server itself keeps running, so a test needs no control over it (CI's is started by .ci/run).
/// </summary>
internal sealed class TcpOutageProxy : IDisposable
{
    private readonly string _host;
    private readonly int _targetPort;
    private readonly Lock _gate = new();
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _cut;

    public TcpOutageProxy(string host, int targetPort)
    {
        _host = host;
        _targetPort = targetPort;
        Port = FreePorts.Next();
        Restore();
    }

    public int Port { get; }

    /// <summary>Listens again on the same port.</summary>
    public void Restore()
    {
        lock (_gate)
        {
            _cut = new CancellationTokenSource();
            _listener = new TcpListener(IPAddress.Loopback, Port);
            _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Start();
            _ = AcceptAsync(_listener, _cut.Token);
        }
    }

    /// <summary>Closes every forwarded connection and stops listening: connecting is refused.</summary>
    public void Cut()
    {
        lock (_gate)
        {
            _cut?.Cancel();
            _cut?.Dispose();
            _cut = null;
            _listener?.Stop();
            _listener = null;
            foreach (var client in _open)
                client.Dispose();
            _open.Clear();
        }
    }

    public void Dispose() => Cut();

    private async Task AcceptAsync(TcpListener listener, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(_host, _targetPort, token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                client.Dispose();
                upstream.Dispose();
                continue;
            }
            lock (_gate)
            {
                if (token.IsCancellationRequested)
                {
                    client.Dispose();
                    upstream.Dispose();
                    return;
                }
                _open.Add(client);
                _open.Add(upstream);
            }
            _ = PumpAsync(client, upstream);
            _ = PumpAsync(upstream, client);
        }
    }

    /// <summary>Copies one direction; when either side ends, both are closed, as a server going away closes them.</summary>
    private static async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or SocketException)
        {
            // The other direction or Cut closed it.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }
}
