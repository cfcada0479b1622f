namespace Melm.Models.Data;

/// <summary>An entity: its type and its tokens [Start, End) (End exclusive).</summary>
public readonly record struct EntitySpan(string Type, int Start, int End)
{
    public int Length => End - Start;
}
