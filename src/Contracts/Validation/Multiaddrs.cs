using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FluentValidation;

namespace Moderation.Contracts.Validation;

/// <summary>
/// The initial peers of a run: libp2p multiaddrs as hivemind prints them for <c>--initial_peers</c>
/// (<c>/ip4/203.0.113.7/tcp/31337/p2p/QmXyz…</c>). Checked strictly, because they are shown to every admitted participant
/// and pasted into their training scripts: printable ASCII only, a known protocol before every value, a peer id.
/// </summary>
public static class Multiaddrs
{
    public const int MaxLength = 256;
    public const int MaxCount = 32;

    private static readonly HashSet<string> WithoutValue =
        ["quic", "quic-v1", "p2p-circuit", "ws", "wss", "tls", "noise", "webtransport", "webrtc", "webrtc-direct", "http", "https"];

    /// <summary>What is wrong with <paramref name="multiaddr"/>, or null when it is a multiaddr a peer can dial.</summary>
    public static string? Problem(string? multiaddr)
    {
        if (string.IsNullOrEmpty(multiaddr))
        {
            return "it is empty";
        }
        if (multiaddr.Length > MaxLength)
        {
            return $"it is longer than {MaxLength} characters";
        }
        if (multiaddr.FirstOrDefault(c => c is < '!' or > '~') is var bad and not '\0')
        {
            return bad == ' ' ? "it holds a space" : $"it holds the character U+{(int)bad:X4} (only printable ASCII)";
        }
        if (multiaddr[0] != '/' || multiaddr[^1] == '/')
        {
            return "it must start with '/' and not end with one, like /ip4/203.0.113.7/tcp/31337/p2p/Qm…";
        }
        var parts = multiaddr[1..].Split('/');
        var hasPeerId = false;
        for (var i = 0; i < parts.Length; i++)
        {
            var protocol = parts[i];
            if (WithoutValue.Contains(protocol))
            {
                continue;
            }
            if (i + 1 >= parts.Length)
            {
                return $"'{protocol}' has no value";
            }
            var value = parts[++i];
            var problem = protocol switch
            {
                "ip4" => IsIp(value, AddressFamily.InterNetwork) ? null : $"'{value}' is not an IPv4 address",
                "ip6" => IsIp(value, AddressFamily.InterNetworkV6) ? null : $"'{value}' is not an IPv6 address",
                "dns" or "dns4" or "dns6" or "dnsaddr" => IsHostName(value) ? null : $"'{value}' is not a host name",
                "tcp" or "udp" => IsPort(value) ? null : $"'{value}' is not a port number (0 to 65535)",
                "p2p" or "ipfs" => IsPeerId(value) ? null : $"'{value}' is not a libp2p peer id",
                _ => $"'{protocol}' is not a multiaddr protocol a hivemind peer uses",
            };
            if (problem is not null)
            {
                return problem;
            }
            hasPeerId |= protocol is "p2p" or "ipfs";
        }
        return hasPeerId ? null : "it has no /p2p/<peer id> part (hivemind needs the peer id to dial an initial peer)";
    }

    /// <summary>
    /// A list of multiaddrs: at most <see cref="MaxCount"/>, each valid. Errors are the list's (so a form shows them under
    /// its one field), each naming the item by index and, when short, by value.
    /// </summary>
    public static void MultiaddrList<T>(this IRuleBuilder<T, IReadOnlyList<string>?> rule) =>
        rule.Custom((list, context) =>
        {
            if (list is null)
            {
                return;
            }
            if (list.Count > MaxCount)
            {
                context.AddFailure($"'{context.PropertyPath}' may list at most {MaxCount} multiaddrs; this one has {list.Count}.");
                return;
            }
            for (var i = 0; i < list.Count; i++)
            {
                if (Problem(list[i]) is { } problem)
                {
                    var quoted = list[i] is { Length: > 0 and <= 80 } item && PlainText.Problem(item) is null ? $" ({item})" : "";
                    context.AddFailure($"'{context.PropertyPath}[{i}]'{quoted} is not a multiaddr: {problem}.");
                }
            }
        });

    /// <summary>The lists merged in order, each address once.</summary>
    public static List<string> Merge(params IEnumerable<string>[] lists) => lists.SelectMany(l => l).Distinct(StringComparer.Ordinal).ToList();

    // An /ip6/ value is the address alone (a zone is /ip6zone/'s, which hivemind does not use): IPAddress also takes
    // "[…]" and a "%<scope>" of any characters, which the quick start would put, unquoted, on participants' command lines.
    private static bool IsIp(string value, AddressFamily family) =>
        IPAddress.TryParse(value, out var ip) && ip.AddressFamily == family
        && (family == AddressFamily.InterNetworkV6 ? value.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.') : ip.ToString() == value);

    private static bool IsPort(string value) =>
        value.Length is > 0 and <= 5 && value.All(char.IsAsciiDigit)
        && int.Parse(value, CultureInfo.InvariantCulture) <= 65535 && (value == "0" || value[0] != '0');

    private static bool IsHostName(string value) =>
        value.Length is > 0 and <= 253
        && value.Split('.').All(l => l.Length is > 0 and <= 63 && l[0] != '-' && l[^1] != '-' && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));

    // Base58btc multihashes (Qm…, 12D3KooW…) or base32 CIDv1 (b…), as libp2p prints peer ids.
    private static bool IsPeerId(string value) =>
        (value.Length is >= 46 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) && c is not ('0' or 'O' or 'I' or 'l')))
        || (value.Length is >= 50 and <= 80 && value[0] == 'b' && value.All(c => char.IsAsciiLetterLower(c) || c is >= '2' and <= '7'));
}
