namespace Melm.Models.Diagnostics;

/// <summary>Curves that go nowhere: the default of every trainer.</summary>
public sealed class NoTrainingCurves : ITrainingCurves
{
    public static readonly NoTrainingCurves Instance = new();

    private NoTrainingCurves()
    {
    }

    public void Start(int doneSteps)
    {
    }

    public void Scalar(string tag, double value, int globalStep)
    {
    }
}
