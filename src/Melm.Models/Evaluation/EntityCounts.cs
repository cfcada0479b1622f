namespace Melm.Models.Evaluation;

/// <summary>Entity counts of one type (or of all types) and the scores they give, x100 as conlleval prints them.</summary>
/// <param name="Type">The entity type, or <see cref="EntityF1.Overall"/> for the micro average.</param>
/// <param name="Gold">Entities in the gold tags.</param>
/// <param name="Predicted">Entities in the predicted tags.</param>
/// <param name="Correct">Predicted entities with exactly a gold entity's type, start and end.</param>
public sealed record EntityCounts(string Type, int Gold, int Predicted, int Correct)
{
    /// <summary>100 x correct / predicted; 0 when nothing was predicted.</summary>
    public double Precision => Predicted == 0 ? 0 : 100.0 * Correct / Predicted;

    /// <summary>100 x correct / gold; 0 when there is no gold entity.</summary>
    public double Recall => Gold == 0 ? 0 : 100.0 * Correct / Gold;

    /// <summary>Harmonic mean of precision and recall; 0 when both are 0.</summary>
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}
