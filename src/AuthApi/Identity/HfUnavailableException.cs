namespace Moderation.AuthApi.Identity;

/// <summary>HF could not answer (down, slow or failing): the caller should retry, not give up.</summary>
public sealed class HfUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
