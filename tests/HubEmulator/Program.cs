namespace Moderation.HubEmulator;

public static class Program
{
    /// <summary>Standalone: <c>dotnet run --project tests/HubEmulator -- --urls http://127.0.0.1:5300</c>.</summary>
    public static void Main(string[] args) => HubEmulatorApp.Build(args).Run();
}
