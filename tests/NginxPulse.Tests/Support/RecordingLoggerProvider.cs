using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace NginxPulse.Tests.Support;

/// <summary>Keeps every formatted log message, so a test can wait for the moment a component says it reached.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public bool Contains(string fragment) => Messages.Any(m => m.Contains(fragment, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Logger(Messages);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            messages.Enqueue(exception is null ? formatter(state, null) : $"{formatter(state, exception)} ({exception.Message})");
    }
}
