using Akka.Actor;
using Akka.Event;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Melm.Host.Cluster;

/// <summary>
/// Akka.Hosting's bridge from Akka's log events to Microsoft.Extensions.Logging, except that an
/// event with a named template ("run {RunId}: shard {Shard} ...") keeps its values as fields. The
/// bridge's own state is only enumerable, and the JSON console formatter writes a state's entries
/// under "State" only when it is a list, so run and item ids would otherwise stay inside the text.
/// Events with positional templates (Akka's own, "{0}") go through the bridge unchanged.
/// </summary>
public sealed class StructuredAkkaLogger : LoggerFactoryLogger
{
    private readonly ILoggerFactory _factory = Context.System.Settings.Setup.Get<LoggerFactorySetup>().Value.LoggerFactory;
    private readonly Dictionary<Type, ILogger> _loggers = [];

    protected override void Log(LogEvent log, ActorPath path)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (!log.TryGetProperties(out var properties) || properties is null || properties.Keys.All(name => name.All(char.IsAsciiDigit)))
        {
            base.Log(log, path);
            return;
        }
        // The category is the logging class (RunCoordinator, ModelWorker), not the bridge's one for all events.
        if (!_loggers.TryGetValue(log.LogClass, out var logger))
            _loggers[log.LogClass] = logger = _factory.CreateLogger(log.LogClass);
        var level = Level(log.LogLevel());
        if (!logger.IsEnabled(level))
            return;
        var state = new StructuredLogState(
            log.Message.ToString() ?? "",
            [.. properties.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value)), new("LogSource", log.LogSource), new("{OriginalFormat}", log.GetTemplate())]);
        logger.Log(level, default, state, log.Cause, (s, _) => s.Message);
    }

    private static LogLevel Level(AkkaLogLevel level) => level switch
    {
        AkkaLogLevel.DebugLevel => LogLevel.Debug,
        AkkaLogLevel.InfoLevel => LogLevel.Information,
        AkkaLogLevel.WarningLevel => LogLevel.Warning,
        _ => LogLevel.Error,
    };
}
