namespace Moderation.ModeratorUi;

/// <summary>A public type that names this assembly, for test hosts.</summary>
public sealed class UiAssembly;
