using System.Collections.Concurrent;

namespace Moderation.Contracts.Tokens;

/// <summary>
/// Parsed peer keys by their OpenSSH text, so a peer checking the same peers' tokens again does not parse and hash
/// their keys again. Bounded: when full it starts over (a peer talks to a few hundred peers, not millions).
/// </summary>
internal sealed class PeerKeyCache(int capacity = 4096)
{
    private readonly ConcurrentDictionary<string, OpenSshRsaKey> _keys = new(StringComparer.Ordinal);

    /// <summary>The parsed key, or null when <paramref name="text"/> is not a valid OpenSSH RSA key (never cached).</summary>
    public OpenSshRsaKey? Get(string? text)
    {
        if (text is null)
        {
            return null;
        }
        if (_keys.TryGetValue(text, out var key))
        {
            return key;
        }
        if (!OpenSshRsaKey.TryParse(text, out key, out _))
        {
            return null;
        }
        if (_keys.Count >= capacity)
        {
            _keys.Clear();
        }
        _keys[text] = key!;
        return key;
    }
}
