using System.Collections;

namespace Melm.Host.Cluster;

/// <summary>
/// A log event's named values as the list that Microsoft.Extensions.Logging's formatters expect
/// (the JSON console writes each entry as a field under "State"); its text is the rendered message.
/// </summary>
public sealed class StructuredLogState(string message, IReadOnlyList<KeyValuePair<string, object?>> values) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public string Message { get; } = message;

    public int Count => values.Count;

    public KeyValuePair<string, object?> this[int index] => values[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Message;
}
