using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Moderation.Tests.Fuzz;

/// <summary>
/// HTTP/1.1 over a bare socket, for requests whose answer comes before the request is sent in full (bodies over the
/// limit: the server answers 413 and closes, and <see cref="HttpClient"/> then reports only its broken pipe).
/// </summary>
public static class RawHttp
{
    public static async Task<FuzzResponse> SendAsync(Uri server, string method, string target, IEnumerable<(string Name, string Value)> headers,
        byte[] body, bool chunked)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        var stream = tcp.GetStream();
        var head = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{method} {target} HTTP/1.1\r\nHost: {server.Authority}\r\nConnection: close\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }
        head.Append(chunked ? "Transfer-Encoding: chunked\r\n\r\n" : $"Content-Length: {body.Length}\r\n\r\n");
        var reading = ReadResponseAsync(stream);
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
            for (var offset = 0; offset < body.Length; offset += 64 * 1024)
            {
                var part = body.AsMemory(offset, Math.Min(64 * 1024, body.Length - offset));
                if (chunked)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"{part.Length:x}\r\n"));
                }
                await stream.WriteAsync(part);
                if (chunked)
                {
                    await stream.WriteAsync("\r\n"u8.ToArray());
                }
            }
            if (chunked)
            {
                await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
            }
        }
        catch (IOException)
        {
            // The server stopped reading: its answer is what counts.
        }
        return await reading.WaitAsync(TimeSpan.FromSeconds(60));
    }

    private static async Task<FuzzResponse> ReadResponseAsync(NetworkStream stream)
    {
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // A reset after the answer: keep what arrived.
        }
        var text = Encoding.UTF8.GetString(received.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var lines = (split < 0 ? text : text[..split]).Split("\r\n");
        var status = lines[0].Split(' ') is [_, var code, ..] && int.TryParse(code, CultureInfo.InvariantCulture, out var s) ? s : 0;
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToLookup(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var body = split < 0 ? "" : text[(split + 4)..];
        if (headers["transfer-encoding"].Any(v => v.Contains("chunked", StringComparison.OrdinalIgnoreCase)))
        {
            body = Dechunk(body);
        }
        return new FuzzResponse(status, headers["content-type"].FirstOrDefault(), body,
            headers["connection"].Any(v => v.Equals("close", StringComparison.OrdinalIgnoreCase)));
    }

    private static string Dechunk(string body)
    {
        var result = new StringBuilder();
        var position = 0;
        while (position < body.Length)
        {
            var end = body.IndexOf("\r\n", position, StringComparison.Ordinal);
            if (end < 0 || !int.TryParse(body[position..end], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size == 0)
            {
                break;
            }
            result.Append(body, end + 2, Math.Min(size, body.Length - end - 2));
            position = end + 2 + size + 2;
        }
        return result.ToString();
    }
}
