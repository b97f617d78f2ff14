using Microsoft.Extensions.Logging;

namespace Moderation.Tests.Infrastructure;

/// <summary>
/// Where the in-process test hosts log instead of the console, so the suite's output shows tests and failures only:
/// one file for the run (<c>MODERATION_TEST_HOST_LOG</c>, which deploy/test.sh sets and names when a test fails), each
/// line naming the host it came from. The hosts' console logging is off (<see cref="ConsoleOff"/>).
/// </summary>
public sealed class TestHostLog(string host) : ILoggerProvider
{
    /// <summary>The setting that silences a host's console logger (the file and any test's own providers still log).</summary>
    public const string ConsoleOff = "Logging:Console:LogLevel:Default";

    private static readonly string FilePath = Environment.GetEnvironmentVariable("MODERATION_TEST_HOST_LOG")
                                              ?? Path.Combine(Path.GetTempPath(), "moderation-test-hosts.log");
    private static readonly Lock Gate = new();

    /// <summary>Hangfire's process-wide logs go to the same file.</summary>
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void RouteHangfireLogs() =>
        Moderation.AuthApi.Jobs.HangfireSetup.HangfireLogs = LoggerFactory.Create(logging =>
            logging.AddProvider(new TestHostLog("hangfire")).SetMinimumLevel(LogLevel.Warning));

    public ILogger CreateLogger(string categoryName) => new Logger(host, categoryName);

    public void Dispose()
    {
    }

    private static void Write(string line)
    {
        lock (Gate)
        {
            File.AppendAllText(FilePath, line);
        }
    }

    private sealed class Logger(string host, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {host} {logLevel} {category}: {formatter(state, exception)}\n";
            Write(exception is null ? text : text + exception + "\n");
        }
    }
}
