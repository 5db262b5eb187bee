using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Wharf.Agent.Tests;

/// <summary>
/// A tiny TCP helper that test jobs run with <c>dotnet Wharf.Agent.Tests.dll …</c>, so the tests need no netcat:
/// <c>serve PORT TEXT</c> answers every connection with TEXT; <c>fetch HOST PORT</c> prints what HOST:PORT answers.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => args switch
    {
        ["serve", var port, var text] => Serve(int.Parse(port), text),
        ["fetch", var host, var port] => Fetch(host, int.Parse(port)),
        _ => 64,
    };

    private static int Serve(int port, string text)
    {
        var listener = new TcpListener(IPAddress.Any, port);
        listener.Start();
        Console.WriteLine("listening");
        while (true)
        {
            using var client = listener.AcceptTcpClient();
            client.GetStream().Write(Encoding.UTF8.GetBytes(text + "\n"));
            client.Client.Shutdown(SocketShutdown.Send);
        }
    }

    private static int Fetch(string host, int port)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var client = new TcpClient();
            client.ConnectAsync(host, port, timeout.Token).AsTask().GetAwaiter().GetResult();
            using var reader = new StreamReader(client.GetStream());
            Console.Write(reader.ReadToEnd());
            return 0;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"fetch failed: {e.GetType().Name}: {e.Message}");
            return 2;
        }
    }
}
